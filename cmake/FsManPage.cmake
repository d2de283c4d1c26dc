# fs_man_page(TARGET "one-line description"): man page TARGET.1 generated from
# the program's own --help and --version by help2man (the page cannot drift
# from the program), built with the program and installed to man1.  Without
# help2man the build goes on and says so once.
find_program(FS_HELP2MAN help2man)
function(fs_man_page target description)
  if(NOT FS_HELP2MAN)
    message(STATUS "help2man not found: no man page for ${target} (install help2man)")
    return()
  endif()
  set(page ${CMAKE_CURRENT_BINARY_DIR}/${target}.1)
  add_custom_command(OUTPUT ${page}
                     COMMAND ${FS_HELP2MAN} --no-info --no-discard-stderr --section 1
                             --name ${description} --output ${page} $<TARGET_FILE:${target}>
                     DEPENDS ${target}
                     COMMENT "man page ${target}.1 from ${target} --help"
                     VERBATIM)
  add_custom_target(${target}-man ALL DEPENDS ${page})
  install(FILES ${page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endfunction()
