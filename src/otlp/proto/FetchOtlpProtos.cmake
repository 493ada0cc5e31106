# Run with `cmake -P` at build time (see OtlpProto.cmake): obtains the OTLP .proto files from their
# npm package and generates C++ from them. Nothing downloaded or generated is committed.
#   -DNPM=<npm> -DPROTOC=<protoc> -DPACKAGE=<name@version> -DSHA256=<of the tarball>
#   -DWORK=<build dir for the tarball and extraction> -DOUT=<generated sources>
#   -DPROTOS=<comma-separated paths under opentelemetry/proto, no extension> -DEXTRA_PROTO=<project .proto>
# The tarball is kept in WORK: later builds (and rebuilds from scratch of the generated code) do
# not need the registry. Its SHA-256 is checked, so a changed package is refused.
cmake_minimum_required(VERSION 3.25)

string(REGEX REPLACE "^@" "" tarball_name "${PACKAGE}")
string(REGEX REPLACE "[/@]" "-" tarball_name "${tarball_name}")
set(tarball "${WORK}/${tarball_name}.tgz")
file(MAKE_DIRECTORY "${WORK}")

if(NOT EXISTS "${tarball}")
  execute_process(
    COMMAND "${NPM}" pack "${PACKAGE}" --prefer-offline --silent --pack-destination "${WORK}"
    RESULT_VARIABLE npm_result OUTPUT_VARIABLE npm_output ERROR_VARIABLE npm_error)
  if(NOT npm_result EQUAL 0 OR NOT EXISTS "${tarball}")
    message(FATAL_ERROR
      "OTLP protos: `npm pack ${PACKAGE}` failed (exit ${npm_result}); the npm registry must be "
      "reachable once per build directory (or put the tarball at ${tarball}).\n"
      "npm said: ${npm_error}${npm_output}")
  endif()
endif()

file(SHA256 "${tarball}" actual)
if(NOT actual STREQUAL SHA256)
  file(REMOVE "${tarball}")
  message(FATAL_ERROR "OTLP protos: ${tarball} has SHA-256 ${actual}, expected ${SHA256}; removed")
endif()

set(extract "${WORK}/extract")
file(REMOVE_RECURSE "${extract}")
file(MAKE_DIRECTORY "${extract}")
execute_process(COMMAND "${CMAKE_COMMAND}" -E tar xzf "${tarball}" WORKING_DIRECTORY "${extract}"
                RESULT_VARIABLE tar_result)
set(proto_root "${extract}/package/build/protos")
if(NOT tar_result EQUAL 0 OR NOT EXISTS "${proto_root}/opentelemetry/proto")
  message(FATAL_ERROR "OTLP protos: ${tarball} holds no build/protos/opentelemetry/proto")
endif()

string(REPLACE "," ";" protos "${PROTOS}")
set(inputs)
foreach(proto IN LISTS protos)
  list(APPEND inputs "${proto_root}/opentelemetry/proto/${proto}.proto")
endforeach()
get_filename_component(extra_dir "${EXTRA_PROTO}" DIRECTORY)
file(MAKE_DIRECTORY "${OUT}")
execute_process(
  COMMAND "${PROTOC}" "--proto_path=${proto_root}" "--cpp_out=${OUT}" ${inputs}
  RESULT_VARIABLE protoc_result ERROR_VARIABLE protoc_error)
if(protoc_result EQUAL 0)
  execute_process(
    COMMAND "${PROTOC}" "--proto_path=${extra_dir}" "--cpp_out=${OUT}" "${EXTRA_PROTO}"
    RESULT_VARIABLE protoc_result ERROR_VARIABLE protoc_error)
endif()
if(NOT protoc_result EQUAL 0)
  message(FATAL_ERROR "OTLP protos: protoc failed: ${protoc_error}")
endif()
