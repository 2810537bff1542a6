# Warnings, hardening and sanitizers for every target of the project.
add_compile_options(-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
                    -Wcast-align -Wunused -Woverloaded-virtual -Wnull-dereference
                    -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(QUIVER_WERROR)
  add_compile_options(-Werror)
endif()
add_compile_definitions($<$<NOT:$<CONFIG:Debug>>:_FORTIFY_SOURCE=2> _GLIBCXX_ASSERTIONS)
add_compile_options(-fstack-protector-strong)
if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
  add_link_options(-Wl,-z,relro,-z,now)
endif()

if(QUIVER_SANITIZE)
  add_compile_options(-fsanitize=${QUIVER_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${QUIVER_SANITIZE})
endif()
