// RAII HDF5 layer, serial mode: datasets and attributes round-trip; errors are typed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "rankwise/errors.hpp"
#include "rankwise/io/h5.hpp"
#include "rankwise/io/output_path.hpp"

using namespace rankwise;

TEST(H5, WriteAndReadBack) {
  const auto path = std::filesystem::temp_directory_path() / "rankwise_h5_test.h5";
  {
    io::File f = io::File::create_serial(path.string());
    io::Group root = f.root();
    root.attribute("name", std::string("Côte d'Ivoire"));
    root.attribute("value", 2.5);
    root.attribute("count", std::int64_t{7});
    const std::vector<double> xs = {1, 2, 3, 4, 5, 6};
    root.write_root<double>("xs", xs, {2, 3});
    root.write_strings_root("names", {"a", "bcd"});
    io::Group g = root.create_group("g");
    g.write_rows<std::uint64_t>("rows", std::vector<std::uint64_t>{9, 8}, 2, 0);
  }
  io::File f = io::File::open_read(path.string());
  io::Group root = f.root();
  EXPECT_EQ(root.string_attribute("name"), "Côte d'Ivoire");
  EXPECT_EQ(root.double_attribute("value"), 2.5);
  EXPECT_EQ(root.int_attribute("count"), 7);
  auto ds = root.open_dataset("xs");
  EXPECT_EQ(ds.dims(), (io::Dims{2, 3}));
  EXPECT_EQ(ds.read<double>(), (std::vector<double>{1, 2, 3, 4, 5, 6}));
  EXPECT_THROW((void)ds.read<std::int64_t>(), InputError);
  EXPECT_EQ(root.open_dataset("names").read_strings(), (std::vector<std::string>{"a", "bcd"}));
  EXPECT_TRUE(root.exists("g/rows"));
  EXPECT_FALSE(root.exists("g/nope"));
  EXPECT_FALSE(root.exists("nope/rows"));
  EXPECT_THROW((void)root.open_dataset("missing"), InputError);
  EXPECT_THROW((void)root.string_attribute("missing"), InputError);
  std::filesystem::remove(path);
}

TEST(H5, OpenReadRejectsNonHdf5) {
  EXPECT_THROW((void)io::File::open_read("/nonexistent/file.h5"), InputError);
  EXPECT_THROW((void)io::File::open_read("/etc/hostname"), InputError);
}

TEST(OutputPath, CheckWritable) {
  const auto dir = std::filesystem::temp_directory_path();
  const auto existing = dir / "rankwise_existing_output.h5";
  { std::ofstream(existing.string()) << "x"; }
  EXPECT_THROW(io::check_writable(existing.string(), false), IoError);
  EXPECT_NO_THROW(io::check_writable(existing.string(), true));
  EXPECT_THROW(io::check_writable("/nonexistent-dir/x.h5", false), IoError);
  EXPECT_THROW(io::check_writable(dir.string(), true), IoError);  // a directory
  std::filesystem::remove(existing);
}
