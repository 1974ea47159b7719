# Rebuilds are dominated by LibTorch's headers; ccache, where installed, makes a second build
# of the same sources (another preset, a clean clone in another folder) mostly cache hits.
# Optional: without it the build is the same, only slower. Included before any target.
option(KDNA_USE_CCACHE "Compile through ccache when it is installed" ON)
if(KDNA_USE_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
    find_program(KDNA_CCACHE ccache)
    if(KDNA_CCACHE)
        # Paths relative to the source tree and sloppiness for precompiled headers, so that
        # clones in other folders and the shared torch PCH still hit the cache.
        set(launcher "${CMAKE_COMMAND}" -E env
            "CCACHE_BASEDIR=${CMAKE_SOURCE_DIR}" CCACHE_NOHASHDIR=1
            "CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime"
            "${KDNA_CCACHE}")
        set(CMAKE_C_COMPILER_LAUNCHER ${launcher})
        set(CMAKE_CXX_COMPILER_LAUNCHER ${launcher})
    endif()
endif()
