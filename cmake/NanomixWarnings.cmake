# Warnings for our own targets only (third-party headers come in as SYSTEM includes).
function(nanomix_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  if(NANOMIX_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
