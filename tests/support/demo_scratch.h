#pragma once

#include "core/project/demo_data.h"
#include "support/fixtures.h"

#include <QByteArray>
#include <QtGlobal>

namespace kdna::test {

/// The demo data written into `dir`, with the model cache (XDG_CACHE_HOME) there too, so a
/// suite neither reads nor fills the user's cache. A suite's initTestCase calls it once.
inline DemoFiles demoInScratch(const ScratchDir& dir)
{
    qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(dir.file("cache").string()));
    return writeDemoData(dir.file("demo"));
}

} // namespace kdna::test
