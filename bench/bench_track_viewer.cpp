// Times the track viewer on the yeast data: for each view of chrIV (whole chromosome, 100 kb,
// 10 kb, 200 bp) with two bigWig tracks, the genes and the sequence, how long the first read
// takes, then how long a frame takes to render (cache warm), and how long a frame takes while
// panning (reads still in flight). Prints one JSON object per line.
//
// With --screenshot DIR it instead shows the Tracks step on screen (run it under xvfb-run) and
// saves tracks_wide.png, tracks_mid.png and tracks_bases.png there.

#include "ui/bridge/project_document.h"
#include "core/tracks/bigwig.h"
#include "ui/tracks/locus.h"
#include "ui/tracks/track_view.h"
#include "ui/tracks/tracks_step.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QPainter>
#include <QPixmap>
#include <QThread>

#include <CLI/CLI.hpp>

namespace {

using kdna::ui::GenomicRange;
using kdna::ui::TracksStep;
using kdna::ui::TrackView;

struct Options {
    std::string data = "../shared/data/sacCer3";
    int width = 1600;
    int height = 600;
    int frames = 30;
    std::string screenshots;
};

struct View {
    const char* name;
    GenomicRange range;
};

const char* const kTracks[] = {"nucleosome_occupancy.bw", "nucleosome_coverage_danpos.bw",
                               "sacCer3_genes.gff3"};

const std::vector<View> kViews = {
    {"chromosome", {"chrIV", 0, 1'531'933}},
    {"100kb", {"chrIV", 500'000, 600'000}},
    {"10kb", {"chrIV", 500'000, 510'000}},
    {"200bp", {"chrIV", 500'000, 500'200}},
};

double elapsedMs(const QElapsedTimer& timer)
{
    return static_cast<double>(timer.nsecsElapsed()) / 1e6;
}

void waitIdle(const TrackView& view)
{
    while (view.isLoading()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        QThread::usleep(200);
    }
    QCoreApplication::processEvents();
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

double renderMs(const TrackView& view, QImage& image)
{
    QElapsedTimer timer;
    timer.start();
    QPainter painter(&image);
    view.render(painter, image.size());
    painter.end();
    return elapsedMs(timer);
}

QString file(const Options& o, const char* name)
{
    return QString::fromStdString((std::filesystem::path(o.data) / name).string());
}

/// A fresh viewer on the yeast files, so each view starts from a cold cache.
std::unique_ptr<TrackView> openViewer(const Options& o, double* openMs)
{
    auto view = std::make_unique<TrackView>();
    view->resize(o.width, o.height);
    QElapsedTimer timer;
    timer.start();
    view->setGenome(file(o, "sacCer3.fa"));
    QString error;
    for (const char* track : kTracks)
        if (view->addFile(file(o, track), kdna::ui::TrackOrigin::User, &error) < 0) {
            std::fprintf(stderr, "error: %s\n", qPrintable(error));
            return nullptr;
        }
    waitIdle(*view);
    *openMs = elapsedMs(timer);
    return view;
}

int benchmark(const Options& o)
{
    QImage image(o.width, o.height, QImage::Format_ARGB32_Premultiplied);
    for (const View& v : kViews) {
        double openMs = 0;
        const auto view = openViewer(o, &openMs);
        if (!view)
            return 1;
        const kdna::BigWigReader* reader =
            view->bigWigReader(view->findTrack(file(o, "nucleosome_occupancy.bw")));
        const auto values = reader->valueReads();
        const auto summaries = reader->summaryReads();
        QElapsedTimer timer;
        timer.start();
        view->showRange(v.range);
        waitIdle(*view);
        const double firstRead = elapsedMs(timer);
        const double firstFrame = renderMs(*view, image);
        const auto valueReads = reader->valueReads() - values;
        const auto summaryReads = reader->summaryReads() - summaries;
        std::vector<double> frames;
        for (int i = 0; i < o.frames; ++i)
            frames.push_back(renderMs(*view, image));
        // Panning: each frame moves 2% and renders at once, its reads still in flight (the
        // time includes the pan itself: clamping, tile requests).
        std::vector<double> panFrames;
        for (int i = 0; i < o.frames; ++i) {
            QElapsedTimer pan;
            pan.start();
            view->panBy(0.02);
            renderMs(*view, image);
            panFrames.push_back(elapsedMs(pan));
            QCoreApplication::processEvents();
        }
        waitIdle(*view);
        std::printf("{\"view\": \"%s\", \"span_bp\": %lld, \"size\": \"%dx%d\", "
                    "\"open_ms\": %.1f, \"first_read_ms\": %.1f, \"first_frame_ms\": %.2f, "
                    "\"frame_median_ms\": %.2f, \"frame_max_ms\": %.2f, "
                    "\"pan_frame_median_ms\": %.2f, \"pan_frame_max_ms\": %.2f, "
                    "\"summary_reads\": %lld, \"value_reads\": %lld}\n",
                    v.name, static_cast<long long>(v.range.length()), o.width, o.height, openMs,
                    firstRead, firstFrame, median(frames),
                    *std::max_element(frames.begin(), frames.end()), median(panFrames),
                    *std::max_element(panFrames.begin(), panFrames.end()),
                    static_cast<long long>(summaryReads), static_cast<long long>(valueReads));
        std::fflush(stdout);
    }
    return 0;
}

int screenshots(const Options& o)
{
    kdna::ui::ProjectDocument document;
    TracksStep step(&document);
    step.resize(o.width, 900);
    step.setGenome(file(o, "sacCer3.fa"));
    for (const char* track : kTracks)
        step.addTrack(file(o, track));
    step.show();
    waitIdle(*step.view());
    QDir().mkpath(QString::fromStdString(o.screenshots));
    const std::vector<std::pair<const char*, const char*>> shots = {
        {"tracks_wide.png", "chrIV"},
        {"tracks_mid.png", "chrIV:500,001-510,000"},
        {"tracks_bases.png", "chrIV:500,001-500,200"},
    };
    for (const auto& [name, locus] : shots) {
        if (!step.navigate(QString::fromLatin1(locus))) {
            std::fprintf(stderr, "error: %s\n", qPrintable(step.message()));
            return 1;
        }
        waitIdle(*step.view());
        const QString path =
            QDir(QString::fromStdString(o.screenshots)).filePath(QString::fromLatin1(name));
        if (!step.grab().save(path)) {
            std::fprintf(stderr, "error: could not write %s\n", qPrintable(path));
            return 1;
        }
        std::printf("%s\n", qPrintable(path));
    }
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    Options o;
    CLI::App cli{"Times the kdna track viewer on the yeast data"};
    cli.add_option("--data", o.data,
                   "folder with sacCer3.fa, the nucleosome bigWigs and the genes GFF");
    cli.add_option("--width", o.width, "image width in pixels");
    cli.add_option("--height", o.height, "image height in pixels");
    cli.add_option("--frames", o.frames, "frames timed per view");
    cli.add_option("--screenshot", o.screenshots,
                   "show the viewer and save screenshots in this folder");
    CLI11_PARSE(cli, argc, argv);
    if (o.screenshots.empty() && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    return o.screenshots.empty() ? benchmark(o) : screenshots(o);
}
