// The .prj classifier: WKT 1 and WKT 2, geographic and projected, ellipsoids, units, garbage.
#include <gtest/gtest.h>

#include <string>

#include "rankwise/errors.hpp"
#include "rankwise/polygons/crs.hpp"

using namespace rankwise::polygons;
using rankwise::InputError;

namespace {

// The error classify_prj throws for `wkt` ("" if it throws none).
std::string error_of(const std::string& wkt) {
  try {
    (void)classify_prj(wkt, "in.prj");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

const std::string wkt1_wgs84 =
    "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,"
    "298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]";

// As PROJ writes EPSG:4326 (abridged: fewer ensemble members, no USAGE).
const std::string wkt2_wgs84 = R"wkt(GEOGCRS["WGS 84",
    ENSEMBLE["World Geodetic System 1984 ensemble",
        MEMBER["World Geodetic System 1984 (Transit)"],
        MEMBER["World Geodetic System 1984 (G2139)"],
        ELLIPSOID["WGS 84",6378137,298.257223563,
            LENGTHUNIT["metre",1]],
        ENSEMBLEACCURACY[2.0]],
    PRIMEM["Greenwich",0,
        ANGLEUNIT["degree",0.0174532925199433]],
    CS[ellipsoidal,2],
        AXIS["geodetic latitude (Lat)",north,
            ORDER[1],
            ANGLEUNIT["degree",0.0174532925199433]],
        AXIS["geodetic longitude (Lon)",east,
            ORDER[2],
            ANGLEUNIT["degree",0.0174532925199433]],
    ID["EPSG",4326]]
)wkt";

const std::string mars2000 =
    "GEOGCS[\"Mars 2000\",DATUM[\"D_Mars_2000\",SPHEROID[\"Mars_2000_IAU_IAG\",3396190.0,"
    "169.894447223612]],PRIMEM[\"Reference_Meridian\",0.0],UNIT[\"Degree\",0.0174532925199433]]";

const std::string utm33_metre =
    "PROJCS[\"WGS_1984_UTM_Zone_33N\",GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\","
    "SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],PRIMEM[\"Greenwich\",0.0],"
    "UNIT[\"Degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],"
    "PARAMETER[\"False_Easting\",500000.0],PARAMETER[\"False_Northing\",0.0],"
    "PARAMETER[\"Central_Meridian\",15.0],PARAMETER[\"Scale_Factor\",0.9996],"
    "PARAMETER[\"Latitude_Of_Origin\",0.0],UNIT[\"Meter\",1.0]]";

// NAD83 / California zone 6 (ftUS), EPSG:2230, as GDAL writes WKT 1 (on GRS 1980).
const std::string stateplane_us_foot =
    "PROJCS[\"NAD83 / California zone 6 (ftUS)\",GEOGCS[\"NAD83\",DATUM[\"North_American_Datum_1983\","
    "SPHEROID[\"GRS 1980\",6378137,298.257222101,AUTHORITY[\"EPSG\",\"7019\"]],"
    "AUTHORITY[\"EPSG\",\"6269\"]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]],"
    "PROJECTION[\"Lambert_Conformal_Conic_2SP\"],PARAMETER[\"standard_parallel_1\",33.88333333333333],"
    "PARAMETER[\"false_easting\",6561666.667],UNIT[\"US survey foot\",0.3048006096012192,"
    "AUTHORITY[\"EPSG\",\"9003\"]],AXIS[\"X\",EAST],AXIS[\"Y\",NORTH],AUTHORITY[\"EPSG\",\"2230\"]]";

const std::string wkt2_utm33 = R"wkt(PROJCRS["WGS 84 / UTM zone 33N",
    BASEGEOGCRS["WGS 84",
        DATUM["World Geodetic System 1984",
            ELLIPSOID["WGS 84",6378137,298.257223563,LENGTHUNIT["metre",1]]],
        PRIMEM["Greenwich",0,ANGLEUNIT["degree",0.0174532925199433]],
        ID["EPSG",4326]],
    CONVERSION["UTM zone 33N",
        METHOD["Transverse Mercator",ID["EPSG",9807]],
        PARAMETER["Scale factor at natural origin",0.9996,SCALEUNIT["unity",1]],
        PARAMETER["False easting",500000,LENGTHUNIT["foot",0.3048]]],
    CS[Cartesian,2],
        AXIS["(E)",east,ORDER[1],LENGTHUNIT["metre",1]],
        AXIS["(N)",north,ORDER[2],LENGTHUNIT["metre",1]],
    USAGE[SCOPE["Engineering survey, topographic mapping."],BBOX[0,12,84,18]],
    ID["EPSG",32633]])wkt";

}  // namespace

TEST(PolygonsCrs, Wkt1GeographicWgs84) {
  const PrjCrs c = classify_prj(wkt1_wgs84, "in.prj");
  EXPECT_EQ(c.kind, Crs::geographic);
  EXPECT_EQ(c.name, "GCS_WGS_1984");
  EXPECT_EQ(c.ellipsoid, "WGS_1984");
  EXPECT_EQ(c.semi_major_m, 6378137.0);
  EXPECT_EQ(c.inverse_flattening, 298.257223563);
}

TEST(PolygonsCrs, Wkt2GeographicWgs84) {
  const PrjCrs c = classify_prj(wkt2_wgs84, "in.prj");
  EXPECT_EQ(c.kind, Crs::geographic);
  EXPECT_EQ(c.name, "WGS 84");
  EXPECT_EQ(c.ellipsoid, "WGS 84");
  // GEODCRS with an ellipsoidal CS is geographic too; a BOM and trailing NULs are tolerated.
  std::string geod = wkt2_wgs84;
  geod.replace(0, 7, "GEODCRS");
  EXPECT_EQ(classify_prj("\xEF\xBB\xBF" + geod + std::string(3, '\0'), "in.prj").kind,
            Crs::geographic);
}

TEST(PolygonsCrs, Grs80CountsAsWgs84AndOthersDoNot) {
  EXPECT_TRUE(is_wgs84(6378137.0, 298.257223563));
  EXPECT_TRUE(is_wgs84(6378137.0, 298.257222101));   // GRS 1980
  EXPECT_FALSE(is_wgs84(6378135.0, 298.26));         // WGS 72
  EXPECT_FALSE(is_wgs84(6378206.4, 294.9786982));    // Clarke 1866
  EXPECT_FALSE(is_wgs84(6371000.0, 0.0));            // a sphere
  std::string km = wkt2_wgs84;  // the semi-major axis in its LENGTHUNIT
  km.replace(km.find("6378137,"), 8, "6378.137,");
  km.replace(km.find("LENGTHUNIT[\"metre\",1]"), 21, "LENGTHUNIT[\"kilometre\",1000]");
  EXPECT_EQ(classify_prj(km, "in.prj").semi_major_m, 6378137.0);
}

TEST(PolygonsCrs, OtherEllipsoidsAreReadNotRefused) {
  // Geodesic areas are computed on the .prj's ellipsoid (Mars, a sphere, ...), so it is read.
  const PrjCrs mars = classify_prj(mars2000, "in.prj");
  EXPECT_EQ(mars.kind, Crs::geographic);
  EXPECT_EQ(mars.ellipsoid, "Mars_2000_IAU_IAG");
  EXPECT_EQ(mars.semi_major_m, 3396190.0);
  EXPECT_DOUBLE_EQ(mars.inverse_flattening, 169.894447223612);
  std::string sphere = wkt1_wgs84;
  sphere.replace(sphere.find("6378137.0,298.257223563"), 23, "6371000,0");
  const PrjCrs s = classify_prj(sphere, "in.prj");
  EXPECT_EQ(s.semi_major_m, 6371000.0);
  EXPECT_EQ(s.inverse_flattening, 0.0);
}

TEST(PolygonsCrs, GeographicNeedsEllipsoidAndDegrees) {
  EXPECT_NE(error_of("GEOGCS[\"GCS_WGS_1984\"]").find("names no ellipsoid"), std::string::npos);
  std::string grad = wkt1_wgs84;
  grad.replace(grad.find("UNIT[\"Degree\",0.0174532925199433]"), 33, "UNIT[\"Grad\",0.015707963267949]");
  EXPECT_NE(error_of(grad).find("not degrees"), std::string::npos) << error_of(grad);
  std::string geocentric = wkt2_wgs84;
  geocentric.replace(0, 7, "GEODCRS");
  geocentric.replace(geocentric.find("CS[ellipsoidal,2]"), 17, "CS[Cartesian,3]");
  EXPECT_NE(error_of(geocentric).find("geocentric"), std::string::npos) << error_of(geocentric);
}

TEST(PolygonsCrs, Wkt1ProjectedInMetres) {
  const PrjCrs c = classify_prj(utm33_metre, "in.prj");
  EXPECT_EQ(c.kind, Crs::projected);
  EXPECT_EQ(c.unit, "Meter");  // the PROJCS's own UNIT, not its GEOGCS's degree
  EXPECT_EQ(c.unit_m, 1.0);
  EXPECT_EQ(planar_area_unit(c.unit, c.unit_m), "m²");
  // The shortest form the e2e tests use: no ellipsoid needed for planar areas.
  const PrjCrs s = classify_prj(
      "PROJCS[\"WGS_1984_UTM_Zone_33N\",GEOGCS[\"GCS_WGS_1984\"],UNIT[\"Meter\",1.0]]", "in.prj");
  EXPECT_EQ(s.kind, Crs::projected);
  EXPECT_EQ(s.unit_m, 1.0);
}

TEST(PolygonsCrs, Wkt1ProjectedInUsSurveyFeet) {
  const PrjCrs c = classify_prj(stateplane_us_foot, "in.prj");
  EXPECT_EQ(c.kind, Crs::projected);
  EXPECT_EQ(c.name, "NAD83 / California zone 6 (ftUS)");
  EXPECT_EQ(c.unit, "US survey foot");
  EXPECT_EQ(c.unit_m, 0.3048006096012192);
  EXPECT_EQ(planar_area_unit(c.unit, c.unit_m), "US survey foot²");
  std::string no_unit = utm33_metre;
  no_unit.erase(no_unit.rfind(",UNIT["), std::string::npos).append("]");
  EXPECT_NE(error_of(no_unit).find("names no linear unit"), std::string::npos) << error_of(no_unit);
}

TEST(PolygonsCrs, Wkt2ProjectedUnitsFromTheAxes) {
  const PrjCrs c = classify_prj(wkt2_utm33, "in.prj");
  EXPECT_EQ(c.kind, Crs::projected);
  EXPECT_EQ(c.name, "WGS 84 / UTM zone 33N");
  EXPECT_EQ(c.unit, "metre");  // the axes', not the false easting's foot
  EXPECT_EQ(c.unit_m, 1.0);
  std::string long_keyword = wkt2_utm33;
  long_keyword.replace(0, 7, "PROJECTEDCRS");
  EXPECT_EQ(classify_prj(long_keyword, "in.prj").kind, Crs::projected);
  std::string mixed = wkt2_utm33;
  mixed.replace(mixed.rfind("LENGTHUNIT[\"metre\",1]"), 21, "LENGTHUNIT[\"foot\",0.3048]");
  EXPECT_NE(error_of(mixed).find("different units"), std::string::npos) << error_of(mixed);
}

TEST(PolygonsCrs, CompoundAndBoundTakeTheirHorizontalPart) {
  const std::string compound = "COMPD_CS[\"UTM + height\"," + utm33_metre +
                               ",VERT_CS[\"EGM96\",VERT_DATUM[\"EGM96\",2005],UNIT[\"metre\",1]]]";
  EXPECT_EQ(classify_prj(compound, "in.prj").kind, Crs::projected);
  const std::string bound = "BOUNDCRS[SOURCECRS[" + wkt2_wgs84 + "],TARGETCRS[" + wkt2_wgs84 +
                            "],ABRIDGEDTRANSFORMATION[\"none\",METHOD[\"none\"]]]";
  EXPECT_EQ(classify_prj(bound, "in.prj").kind, Crs::geographic);
  EXPECT_EQ(classify_prj("BOUNDCRS[SOURCECRS[" + mars2000 + "]]", "in.prj").ellipsoid,
            "Mars_2000_IAU_IAG");  // the source CRS, with its ellipsoid
}

TEST(PolygonsCrs, GarbageAndOtherRootsAreOneClearError) {
  for (const std::string bad :
       {std::string(""), std::string("hello"), std::string("\xff\xfe\x00\x01", 4),
        std::string("GEOGCS[\"x\",DATUM[\"d\",SPHEROID[\"WGS_1984\",6378137,298.257223563]]"),
        std::string("GEOGCS[\"x\"] trailing"), std::string("GEOGCS(\"x\"]"),
        std::string("GEOGCS[\"unterminated]"), std::string(200, '[')}) {
    const std::string e = error_of(bad);
    EXPECT_EQ(e.rfind("in.prj: not a WKT coordinate system (", 0), 0u) << e;
    EXPECT_NE(e.find("--assume-crs"), std::string::npos) << e;
  }

  std::string nested;
  for (int i = 0; i < 5000; ++i) nested += "A[";
  EXPECT_NE(error_of(nested).find("nested deeper"), std::string::npos);  // no stack overflow
  for (const std::string other :
       {std::string("LOCAL_CS[\"site grid\",UNIT[\"metre\",1]]"),
        std::string("GEOCCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563]]]"),
        std::string("VERT_CS[\"EGM96\",VERT_DATUM[\"EGM96\",2005],UNIT[\"metre\",1]]")}) {
    const std::string e = error_of(other);
    EXPECT_NE(e.find("neither geographic (GEOGCS/GEOGCRS) nor projected"), std::string::npos) << e;
    EXPECT_EQ(e.rfind("in.prj: a ", 0), 0u) << e;
  }
}

TEST(PolygonsCrs, NamesInMessagesAreValidUtf8) {
  const std::string e = error_of("PROJCS[\"Mars\xff\",GEOGCS[\"x\"]]");  // no linear unit
  EXPECT_NE(e.find("'Mars\\xff' names no linear unit"), std::string::npos) << e;
}
