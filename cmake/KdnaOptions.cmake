# One INTERFACE target carries the language level, warnings and Qt hardening defines,
# so every kdna target links it instead of repeating flags.
add_library(kdna_options INTERFACE)
target_compile_features(kdna_options INTERFACE cxx_std_20)
target_compile_options(kdna_options INTERFACE
    $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wno-unused-parameter>
    # GCC 12 reports -Wrestrict inside libstdc++ for `"text" + std::string&&` (GCC bug 105329):
    # a false positive, not a finding in kdna.
    $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
target_compile_definitions(kdna_options INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CONTEXTLESS_CONNECT
    QT_NO_KEYWORDS
    KDNA_VERSION="${PROJECT_VERSION}")
# Debian's hardening for what ships: fortified libc calls and a read-only GOT after start-up.
target_compile_definitions(kdna_options INTERFACE
    $<$<AND:$<CXX_COMPILER_ID:GNU,Clang>,$<NOT:$<CONFIG:Debug>>>:_FORTIFY_SOURCE=2>)
target_link_options(kdna_options INTERFACE
    $<$<CXX_COMPILER_ID:GNU,Clang>:LINKER:-z,relro,-z,now>)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_POSITION_INDEPENDENT_CODE ON)

# Torch's headers are large (~15 s a translation unit): the libraries that need them share
# one precompiled header, built once.
function(kdna_use_torch_pch target)
    if(NOT TARGET kdna_torch_pch)
        add_library(kdna_torch_pch STATIC "${PROJECT_SOURCE_DIR}/cmake/torch_pch.cpp")
        target_link_libraries(kdna_torch_pch PUBLIC kdna_options torch)
        target_precompile_headers(kdna_torch_pch PRIVATE <torch/torch.h>)
    endif()
    target_precompile_headers(${target} REUSE_FROM kdna_torch_pch)
endfunction()
