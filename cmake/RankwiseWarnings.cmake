# Warnings on and treated as a defect to fix (not -Werror, so new compilers
# do not break user builds).
add_library(rankwise_warnings INTERFACE)
target_compile_options(rankwise_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion)

add_library(rankwise_sanitize INTERFACE)
if(RANKWISE_SANITIZE)
  target_compile_options(rankwise_sanitize INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(rankwise_sanitize INTERFACE -fsanitize=address,undefined)
endif()
