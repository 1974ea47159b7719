# Every third-party library kdna uses comes from a Debian 12 package
# (packaging/debian-packages.txt). Each missing one stops the configure step with the
# package to install.
find_package(PkgConfig REQUIRED)

pkg_check_modules(HTSLIB REQUIRED IMPORTED_TARGET htslib)

find_path(BIGWIG_INCLUDE_DIR bigWig.h)
find_library(BIGWIG_LIBRARY BigWig)
if(NOT BIGWIG_INCLUDE_DIR OR NOT BIGWIG_LIBRARY)
    message(FATAL_ERROR "libBigWig not found: install the Debian package libbigwig-dev")
endif()
add_library(kdna_bigwig INTERFACE)
target_include_directories(kdna_bigwig SYSTEM INTERFACE ${BIGWIG_INCLUDE_DIR})
target_link_libraries(kdna_bigwig INTERFACE ${BIGWIG_LIBRARY})

find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(Torch REQUIRED)
find_package(Threads REQUIRED)
find_package(ZLIB REQUIRED)

# core/ and the kdna CLI never link Qt: the tests need Qt Core and Test (also in the
# headless build), the GUI Widgets and Charts. Without either, Qt is not looked for, so the
# CLI builds on a GPU server that has LibTorch but no Qt.
set(kdna_qt_components)
if(KDNA_BUILD_TESTS OR KDNA_BUILD_GUI)
    list(APPEND kdna_qt_components Core)
endif()
if(KDNA_BUILD_TESTS)
    list(APPEND kdna_qt_components Test)
endif()
if(KDNA_BUILD_GUI)
    list(APPEND kdna_qt_components Gui Widgets Charts Svg)
endif()
if(kdna_qt_components)
    find_package(Qt6 6.4 REQUIRED COMPONENTS ${kdna_qt_components})
endif()
