# Warnings, hardening and sanitizers for every target of the project, per compiler family.
# Warnings become errors only with QUIVER_WERROR (CI and developer scripts turn it on): a
# packager's or user's default build must not fail on a new compiler's new warning.
if(MSVC)
  add_compile_options(/W4 /permissive- /utf-8 /Zc:__cplusplus /EHsc)
  add_compile_definitions(NOMINMAX WIN32_LEAN_AND_MEAN _CRT_SECURE_NO_WARNINGS)
  if(QUIVER_WERROR)
    add_compile_options(/WX)
  endif()
  if(QUIVER_SANITIZE)
    add_compile_options(/fsanitize=address)
  endif()
  return()
endif()

add_compile_options(-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
                    -Wcast-align -Wunused -Woverloaded-virtual -Wnull-dereference
                    -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(QUIVER_WERROR)
  add_compile_options(-Werror)
endif()
add_compile_definitions($<$<NOT:$<CONFIG:Debug>>:_FORTIFY_SOURCE=2> _GLIBCXX_ASSERTIONS)
add_compile_options(-fstack-protector-strong)
if(MINGW)
  # MinGW keeps the stack protector's and the fortified functions' runtime in libssp.
  link_libraries(ssp)
endif()
if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
  add_link_options(-Wl,-z,relro,-z,now)
endif()

if(QUIVER_SANITIZE)
  add_compile_options(-fsanitize=${QUIVER_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${QUIVER_SANITIZE})
endif()
