# infrasage_otlp_proto: C++ generated at build time from the OTLP .proto files that the npm package
# @opentelemetry/otlp-grpc-exporter-base@0.34.0 ships (Apache-2.0, OTLP v0.19, wire-compatible
# with current exporters; later versions of the package no longer ship them), plus the project's
# own infrasage_otlp_responses.proto. FetchOtlpProtos.cmake does the work; the tarball is cached in
# the build directory. Included from src/CMakeLists.txt.
find_package(Protobuf REQUIRED)
find_program(INFRASAGE_NPM npm)
if(NOT INFRASAGE_NPM)
  message(FATAL_ERROR "OTLP protos need npm (Node.js 20, scripts/install-deps.sh installs it)")
endif()

set(otlp_package "@opentelemetry/otlp-grpc-exporter-base@0.34.0")
set(otlp_sha256 "40d31ccf0da4e601f3e972eaf6d573d3cf1c750743cdefe79c09671517a31dac")
set(otlp_work "${PROJECT_BINARY_DIR}/otlp-proto")
set(otlp_out "${otlp_work}/gen")
set(otlp_protos common/v1/common resource/v1/resource metrics/v1/metrics trace/v1/trace
  logs/v1/logs collector/metrics/v1/metrics_service collector/trace/v1/trace_service
  collector/logs/v1/logs_service)
set(otlp_extra "${CMAKE_CURRENT_LIST_DIR}/infrasage_otlp_responses.proto")

# One argument for the script: the list joined with commas.
string(REPLACE ";" "," otlp_protos_arg "${otlp_protos}")
set(otlp_generated)
foreach(proto IN LISTS otlp_protos)
  list(APPEND otlp_generated "${otlp_out}/opentelemetry/proto/${proto}.pb.cc"
    "${otlp_out}/opentelemetry/proto/${proto}.pb.h")
endforeach()
list(APPEND otlp_generated "${otlp_out}/infrasage_otlp_responses.pb.cc"
  "${otlp_out}/infrasage_otlp_responses.pb.h")

add_custom_command(
  OUTPUT ${otlp_generated}
  COMMAND "${CMAKE_COMMAND}" "-DNPM=${INFRASAGE_NPM}" "-DPROTOC=$<TARGET_FILE:protobuf::protoc>"
    "-DPACKAGE=${otlp_package}" "-DSHA256=${otlp_sha256}" "-DWORK=${otlp_work}"
    "-DOUT=${otlp_out}" "-DPROTOS=${otlp_protos_arg}" "-DEXTRA_PROTO=${otlp_extra}"
    -P "${CMAKE_CURRENT_LIST_DIR}/FetchOtlpProtos.cmake"
  DEPENDS "${CMAKE_CURRENT_LIST_DIR}/FetchOtlpProtos.cmake" "${otlp_extra}"
  COMMENT "OTLP protos: npm pack ${otlp_package}, protoc"
  VERBATIM)

list(FILTER otlp_generated INCLUDE REGEX "\\.cc$")
add_library(infrasage_otlp_proto STATIC ${otlp_generated})
# Generated code: not held to the project's warning flags; a system include so that its headers do
# not trip them in the code that includes them.
target_include_directories(infrasage_otlp_proto SYSTEM PUBLIC "${otlp_out}")
target_link_libraries(infrasage_otlp_proto PUBLIC protobuf::libprotobuf)
set_target_properties(infrasage_otlp_proto PROPERTIES POSITION_INDEPENDENT_CODE ON)
