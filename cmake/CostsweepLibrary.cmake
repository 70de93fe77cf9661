# costsweep_library(<name> SOURCES ... DEPS ...): a static library costsweep_<name>
# with alias costsweep::<name>, include root at src/, house warnings.
function(costsweep_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(costsweep_${name} STATIC ${ARG_SOURCES})
  add_library(costsweep::${name} ALIAS costsweep_${name})
  target_include_directories(costsweep_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(costsweep_${name} PUBLIC ${ARG_DEPS} PRIVATE costsweep_warnings)
endfunction()
