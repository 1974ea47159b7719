#pragma once

#include "core/project/demo_data.h"
#include "support/fixtures.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QString>
#include <QtGlobal>

namespace kdna::test {

/// The model cache (XDG_CACHE_HOME) in `dir`, so a suite neither reads nor fills the user's.
inline void cacheInScratch(const ScratchDir& dir)
{
    qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(dir.file("cache").string()));
}

/// The demo data written into `dir`, with the model cache there too. A suite's initTestCase
/// calls it once.
inline DemoFiles demoInScratch(const ScratchDir& dir)
{
    cacheInScratch(dir);
    return writeDemoData(dir.file("demo"));
}

/// A genome and its occupancy track for a test of real data: the yeast data (yeastData()) when
/// it is there, else kdna's demo data written into `dir`, so a checkout without the data runs
/// the test on the demo instead of skipping it.
struct GenomeAndTrack {
    std::filesystem::path fasta;
    std::filesystem::path track;
};
inline GenomeAndTrack yeastOrDemo(const ScratchDir& dir)
{
    if (const auto yeast = yeastData())
        return {*yeast / "sacCer3.fa", *yeast / "nucleosome_occupancy.bw"};
    const DemoFiles demo = writeDemoData(dir.file("demo"));
    return {demo.fasta, demo.signal};
}

/// A GUI suite's initTestCase starts here: the model cache in `dir`, and the settings
/// (QSettings) under the organisation "kdna-test", never the studio's own.
inline void startGuiSuite(const ScratchDir& dir)
{
    cacheInScratch(dir);
    QCoreApplication::setOrganizationName(QStringLiteral("kdna-test"));
}

} // namespace kdna::test
