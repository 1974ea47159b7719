#include "bridge/project_document.h"
#include "data/normalization.h"
#include "genome/genome.h"
#include "project/demo_data.h"
#include "project/project.h"
#include "project/workflow.h"
#include "support/fixtures.h"
#include "tracks/bigwig.h"
#include "tracks/locus.h"
#include "tracks/model_session.h"
#include "tracks/track_panel.h"
#include "tracks/track_view.h"
#include "tracks/tracks_step.h"

#include <cmath>

#include <QApplication>
#include <QCheckBox>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QLineEdit>
#include <QPainter>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

using namespace kdna;
using namespace kdna::ui;

namespace {

constexpr std::int64_t kChromA = 60'000;
constexpr std::int64_t kChromB = 20'000;
constexpr int kWait = 20'000;

/// A signal with structure at every scale, so summaries and bases both differ along it.
float signalAt(std::int64_t i)
{
    return 10.0F + 5.0F * std::sin(static_cast<float>(i) / 400.0F) + static_cast<float>(i % 7);
}

std::vector<float> signal(std::int64_t n, float scale = 1.0F, float noise = 0.0F)
{
    std::vector<float> v(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i)
        v[static_cast<std::size_t>(i)] =
            scale * signalAt(i) + noise * static_cast<float>((i * 7919) % 13) / 13.0F;
    return v;
}

void writeBigWig(const std::filesystem::path& path, const std::vector<float>& values)
{
    // chrB is in the genome but not in the file: views of chrB must say so, not crash.
    BigWigWriter writer(path, {{"chrA", kChromA}});
    writer.addValues("chrA", 0, values);
    writer.finish();
}

QString qpath(const std::filesystem::path& p)
{
    return QString::fromStdString(p.string());
}

void showSized(QWidget& w, int width, int height)
{
    w.resize(width, height);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
}

/// Shows `range` and waits until its reads are in; false when the view refuses the range or
/// is still loading after kWait.
bool showLoaded(TrackView* view, const GenomicRange& range)
{
    return view->showRange(range) && QTest::qWaitFor([&] { return !view->isLoading(); }, kWait);
}

} // namespace

class TestTrackViewer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void locusText();
    void navigationHistory();
    void navigatesByLocusAndGeneName();
    void narrowViewPaintsPerBaseValues();
    void wideViewReadsZoomSummaries();
    void sequenceAppearsAtBaseResolution();
    void newestRequestWinsAndCacheIsPaintedMeanwhile();
    void keyboardMouseAndWheel();
    void overlayNormalisesTheExperiment();
    void problemsAreShownNotFatal();
    void exportsPngAndSvg();
    void followsDarkPaletteButExportsLight();
    void panelEditsTrackStyle();
    void yeastData();
    void projectModelAndPredictHere();

private:
    TrackView* openFixture(TracksStep& step, int width = 800, int height = 600);

    test::ScratchDir m_dir;
    std::filesystem::path m_fasta, m_signal, m_prediction, m_genes;
    std::string m_basesA;
};

void TestTrackViewer::initTestCase()
{
    m_fasta = m_dir.file("genome.fa");
    m_basesA = test::randomBases(kChromA, 1);
    test::writeFasta(m_fasta, {{"chrA", m_basesA}, {"chrB", test::randomBases(kChromB, 2)}});
    m_signal = m_dir.file("signal.bw");
    writeBigWig(m_signal, signal(kChromA));
    m_prediction = m_dir.file("prediction.bw");
    writeBigWig(m_prediction, signal(kChromA, 0.05F, 0.02F));
    m_genes = m_dir.file("genes.gff3");
    test::writeText(m_genes, "##gff-version 3\n"
                             "chrA\tkdna\tgene\t10001\t12000\t.\t+\t.\tID=gene:YFG1;Name=YFG1\n"
                             "chrA\tkdna\tgene\t11001\t13000\t.\t-\t.\tID=gene:YFG2;Name=YFG2\n"
                             "chrB\tkdna\tgene\t501\t1500\t.\t+\t.\tID=gene:OTHER\n");
}

/// Shows the step at the given size with the fixture genome, signal and genes loaded.
TrackView* TestTrackViewer::openFixture(TracksStep& step, int width, int height)
{
    showSized(step, width, height);
    step.setGenome(qpath(m_fasta));
    step.addTrack(qpath(m_signal));
    step.addTrack(qpath(m_genes));
    TrackView* view = step.view();
    [&] {
        QTRY_VERIFY_WITH_TIMEOUT(!view->isLoading(), kWait);
        QCOMPARE(view->chromosomes().size(), std::size_t{2});
    }();
    return view;
}

void TestTrackViewer::locusText()
{
    const std::vector<Chromosome> chroms{{"chrIX", 439'888}, {"chrIV", 1'531'933}};
    QString error;
    auto r = resolveLocus(*parseLocusText(QStringLiteral("chrIX:100,000-120,000")), chroms, &error);
    QVERIFY(r);
    QCOMPARE(*r, (GenomicRange{"chrIX", 99'999, 120'000}));
    QCOMPARE(formatLocus(*r), QStringLiteral("chrIX:100,000-120,000"));
    r = resolveLocus(*parseLocusText(QStringLiteral(" IX:100000 ")), chroms, &error);
    QVERIFY(r);
    QCOMPARE(r->chrom, std::string("chrIX"));
    QCOMPARE(r->start + r->length() / 2, std::int64_t{99'999});
    r = resolveLocus(*parseLocusText(QStringLiteral("chrIV")), chroms, &error);
    QCOMPARE(*r, (GenomicRange{"chrIV", 0, 1'531'933}));
    r = resolveLocus(*parseLocusText(QStringLiteral("chrIX:500,000-600,000")), chroms, &error);
    QVERIFY(!r);
    QVERIFY(!error.isEmpty());
    r = resolveLocus(*parseLocusText(QStringLiteral("chrX:1-100")), chroms, &error);
    QVERIFY(!r);
    QVERIFY2(error.contains(QStringLiteral("chrX")), qPrintable(error));
    QVERIFY(!parseLocusText(QStringLiteral("chrIX:12a")));
    QCOMPARE(matchChromosome("iv", {"chrI", "chrIV"}), std::string("chrIV"));
    QCOMPARE(tickLabel(1'200'000, 100'000), QStringLiteral("1,200 kb"));
    QCOMPARE(tickLabel(3'000'000, 1'000'000), QStringLiteral("3 Mb"));
    QCOMPARE(tickLabel(100'020, 20), QStringLiteral("100,020"));
    QCOMPARE(tickStep(10.0, 80.0), std::int64_t{1000});
}

void TestTrackViewer::navigationHistory()
{
    NavigationHistory h;
    const GenomicRange a{"chrA", 0, 10}, b{"chrA", 10, 20}, c{"chrA", 20, 30};
    h.visit(a);
    h.visit(b);
    h.visit(b);
    QCOMPARE(*h.back(), a);
    QVERIFY(!h.canGoBack());
    h.visit(c); // drops b, as a browser does
    QVERIFY(!h.canGoForward());
    QCOMPARE(*h.back(), a);
    QCOMPARE(*h.forward(), c);
}

void TestTrackViewer::navigatesByLocusAndGeneName()
{
    ProjectDocument doc;
    TracksStep step(&doc);
    TrackView* view = openFixture(step);

    QVERIFY(step.navigate(QStringLiteral("chrA:1,001-2,000")));
    QCOMPARE(view->range(), (GenomicRange{"chrA", 1000, 2000}));
    QVERIFY(step.navigate(QStringLiteral("chrA:5000")));
    QCOMPARE(view->range().chrom, std::string("chrA"));
    QVERIFY(view->range().start <= 4999 && view->range().end > 4999);
    QVERIFY(view->range().length() <= 200);

    QVERIFY(step.navigate(QStringLiteral("yfg1"))); // the Name, any case
    const GenomicRange gene = view->range();
    QVERIFY(gene.start <= 10'000 && gene.end >= 12'000 && gene.length() < 3000);
    QVERIFY(step.navigate(QStringLiteral("gene:YFG2"))); // the ID
    QVERIFY(view->range().start <= 11'000 && view->range().end >= 13'000);
    QVERIFY(step.navigate(QStringLiteral("gene:OTHER")));
    QCOMPARE(view->range().chrom, std::string("chrB"));

    QVERIFY(!step.navigate(QStringLiteral("no-such-gene")));
    QVERIFY(step.message().contains(QStringLiteral("no-such-gene")));
    QVERIFY(!step.navigate(QStringLiteral("chrZ:1-100")));
    QVERIFY2(step.message().contains(QStringLiteral("chrZ")), qPrintable(step.message()));

    // Back and forward walk the loci visited.
    QVERIFY(view->canGoBack());
    view->goBack();
    QVERIFY(view->range().start <= 11'000 && view->range().end >= 13'000);
    view->goBack();
    QCOMPARE(view->range(), gene);
    view->goForward();
    QVERIFY(view->range().start <= 11'000 && view->range().end >= 13'000);

    // The chromosome selector shows a whole chromosome.
    view->showChromosome("chrB");
    QCOMPARE(view->range(), (GenomicRange{"chrB", 0, kChromB}));
}

void TestTrackViewer::narrowViewPaintsPerBaseValues()
{
    ProjectDocument doc;
    TracksStep step(&doc);
    TrackView* view = openFixture(step);
    const int id = view->findTrack(qpath(m_signal));
    QVERIFY(id >= 0);
    const BigWigReader* reader = view->bigWigReader(id);
    const auto valueReads = reader->valueReads();

    QVERIFY(showLoaded(view, {"chrA", 30'100, 30'400}));
    const SignalSamples painted = view->paintedSamples(id);
    QCOMPARE(painted.resolution, SignalSamples::Resolution::PerBase);
    QVERIFY(painted.complete);
    QCOMPARE(painted.firstBase, std::int64_t{30'100});
    const auto expected = BigWigReader::open(m_signal).values("chrA", 30'100, 30'400);
    QCOMPARE(painted.values.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i)
        QCOMPARE(painted.values[i], expected[i]);
    QVERIFY(reader->valueReads() > valueReads);
}

void TestTrackViewer::wideViewReadsZoomSummaries()
{
    ProjectDocument doc;
    TracksStep step(&doc);
    TrackView* view = openFixture(step);
    const int id = view->findTrack(qpath(m_signal));
    QVERIFY(showLoaded(view, {"chrA", 0, 100}));
    const BigWigReader* reader = view->bigWigReader(id);
    const auto valueReads = reader->valueReads();
    const auto summaryReads = reader->summaryReads();

    // A wide view not seen yet (the whole chromosome was, on opening).
    QVERIFY(showLoaded(view, {"chrA", 20'000, 50'000}));
    QVERIFY(reader->summaryReads() > summaryReads);
    QCOMPARE(reader->valueReads(), valueReads);
    QVERIFY(view->showChromosome("chrA"));
    QTRY_VERIFY_WITH_TIMEOUT(!view->isLoading(), kWait);
    QCOMPARE(reader->valueReads(), valueReads);
    const SignalSamples painted = view->paintedSamples(id);
    QCOMPARE(painted.resolution, SignalSamples::Resolution::PerPixel);
    QVERIFY(painted.complete);
    // One value a pixel, each near the mean of the bases under it.
    const double bpp = static_cast<double>(kChromA) / static_cast<double>(painted.values.size());
    const auto truth = signal(kChromA);
    for (std::size_t x = 0; x < painted.values.size(); x += 37) {
        const auto from = static_cast<std::size_t>(std::ceil(static_cast<double>(x) * bpp));
        const auto to = std::min(truth.size(), static_cast<std::size_t>((x + 1) * bpp));
        double mean = 0;
        for (std::size_t i = from; i < to; ++i)
            mean += truth[i] / static_cast<double>(to - from);
        QVERIFY2(std::abs(painted.values[x] - mean) < 1.0,
                 qPrintable(
                     QStringLiteral("pixel %1: %2 vs %3").arg(x).arg(painted.values[x]).arg(mean)));
    }
}

void TestTrackViewer::sequenceAppearsAtBaseResolution()
{
    ProjectDocument doc;
    TracksStep step(&doc);
    TrackView* view = openFixture(step);
    QVERIFY(showLoaded(view, {"chrA", 20'000, 20'060}));
    QCOMPARE(view->paintedBases(), m_basesA.substr(20'000, 60));
    QVERIFY(view->showChromosome("chrA"));
    QVERIFY(view->paintedBases().empty()); // too far out for bases
}

void TestTrackViewer::newestRequestWinsAndCacheIsPaintedMeanwhile()
{
    ProjectDocument doc;
    TracksStep step(&doc);
    TrackView* view = openFixture(step);
    const int id = view->findTrack(qpath(m_signal));
    QVERIFY(view->showChromosome("chrA"));
    QTRY_VERIFY_WITH_TIMEOUT(!view->isLoading(), kWait);

    // Jump around without waiting: each jump supersedes the last one's reads.
    for (std::int64_t start = 1000; start < 50'000; start += 2500)
        QVERIFY(view->showRange({"chrA", start, start + 400}));
    // Nothing has arrived yet (results land through the event loop): the view paints the
    // coarser tiles it holds meanwhile, and says the picture is not final.
    SignalSamples meanwhile = view->paintedSamples(id);
    QVERIFY(!meanwhile.complete);
    QVERIFY(std::any_of(meanwhile.values.begin(), meanwhile.values.end(),
                        [](float v) { return !std::isnan(v); }));
    QTRY_VERIFY_WITH_TIMEOUT(!view->isLoading(), kWait);
    const SignalSamples settled = view->paintedSamples(id);
    QVERIFY(settled.complete);
    const GenomicRange r = view->range();
    const auto expected = BigWigReader::open(m_signal).values("chrA", r.start, r.end);
    QCOMPARE(settled.values.size(), expected.size());
    QCOMPARE(settled.values.front(), expected.front());
    QCOMPARE(settled.values.back(), expected.back());
}

void TestTrackViewer::keyboardMouseAndWheel()
{
    ProjectDocument doc;
    TracksStep step(&doc);
    TrackView* view = openFixture(step, 1000, 700);
    QVERIFY(view->showRange({"chrA", 20'000, 30'000}));
    view->setFocus();

    QTest::keyClick(view, Qt::Key_Plus);
    QCOMPARE(view->range(), (GenomicRange{"chrA", 22'500, 27'500}));
    QTest::keyClick(view, Qt::Key_Minus);
    QCOMPARE(view->range(), (GenomicRange{"chrA", 20'000, 30'000}));
    QTest::keyClick(view, Qt::Key_Right);
    QCOMPARE(view->range().start, std::int64_t{21'500});
    QTest::keyClick(view, Qt::Key_Left);
    QCOMPARE(view->range().start, std::int64_t{20'000});

    // Wheel up zooms in around the pointer.
    const int dataLeft = TrackView::kGutterWidth;
    const QPoint middle(dataLeft + (view->width() - dataLeft - 10) / 2,
                        TrackView::kRulerHeight + 30);
    QWheelEvent wheel(middle, view->mapToGlobal(middle), QPoint(), QPoint(0, 240), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    const double dataWidth = view->width() - dataLeft - 10;
    const double pointed = 20'000 + (middle.x() - dataLeft) * 10'000 / dataWidth;
    QApplication::sendEvent(view, &wheel);
    QVERIFY(std::abs(view->range().length() - 5000) <= 2);
    const double stillPointed =
        view->range().start + (middle.x() - dataLeft) * view->range().length() / dataWidth;
    QVERIFY(std::abs(stillPointed - pointed) <= 2);

    // Dragging the tracks pans: left by 100 px moves the view right by 100 px of bases.
    const GenomicRange before = view->range();
    const double bpp = static_cast<double>(before.length()) / dataWidth;
    QTest::mousePress(view, Qt::LeftButton, {}, middle);
    QMouseEvent move(QEvent::MouseMove, middle - QPoint(100, 0),
                     view->mapToGlobal(middle - QPoint(100, 0)), Qt::NoButton, Qt::LeftButton,
                     Qt::NoModifier);
    QApplication::sendEvent(view, &move);
    QTest::mouseRelease(view, Qt::LeftButton, {}, middle - QPoint(100, 0));
    QVERIFY(std::abs(static_cast<double>(view->range().start - before.start) - 100 * bpp) <= 2);

    // Dragging on the ruler zooms to the stretch dragged out.
    const int y = TrackView::kRulerHeight - 12;
    const double from = before.start + 100 * bpp;
    QTest::mousePress(view, Qt::LeftButton, {}, QPoint(dataLeft + 100, y));
    QMouseEvent select(QEvent::MouseMove, QPoint(dataLeft + 300, y),
                       view->mapToGlobal(QPoint(dataLeft + 300, y)), Qt::NoButton, Qt::LeftButton,
                       Qt::NoModifier);
    QApplication::sendEvent(view, &select);
    QTest::mouseRelease(view, Qt::LeftButton, {}, QPoint(dataLeft + 300, y));
    QVERIFY(std::abs(view->range().length() - 200 * bpp) <= 3);
    QVERIFY(std::abs(static_cast<double>(view->range().start) - (from + 100 * bpp)) <= 3);

    // Zooming in stops at single bases; Alt+Left goes back.
    for (int i = 0; i < 20; ++i)
        view->zoomIn();
    QVERIFY(view->range().length() <= TrackView::kMinSpan + 1); // whole bases shown
    QTest::keyClick(view, Qt::Key_Left, Qt::AltModifier);
    QVERIFY(view->range().length() > TrackView::kMinSpan);
}

void TestTrackViewer::overlayNormalisesTheExperiment()
{
    ProjectDocument doc;
    TracksStep step(&doc);
    TrackView* view = openFixture(step);
    step.addTrack(qpath(m_prediction));
    const int experiment = view->findTrack(qpath(m_signal));
    const int prediction = view->findTrack(qpath(m_prediction));
    QVERIFY(prediction >= 0);
    const auto raw = signal(kChromA);
    const Normalizer normalizer = Normalizer::fit({"max"}, {std::span<const float>(raw)});
    const int stackedHeight = view->contentHeight();
    view->pairTracks(prediction, experiment, normalizer);
    QVERIFY(view->overlay());
    QVERIFY(view->contentHeight() < stackedHeight); // one lane fewer

    QVERIFY(showLoaded(view, {"chrA", 40'000, 40'500}));
    const auto values = BigWigReader::open(m_signal).values("chrA", 40'000, 40'500);
    SignalSamples painted = view->paintedSamples(experiment);
    QCOMPARE(painted.values.size(), values.size());
    for (std::size_t i = 0; i < values.size(); i += 50)
        QCOMPARE(painted.values[i], normalizer.apply(values[i]));
    const double r = view->viewCorrelation(prediction);
    QVERIFY2(r > 0.95, qPrintable(QString::number(r)));

    view->setOverlay(false); // stacked: each in its own lane, the experiment as measured
    QCOMPARE(view->contentHeight(), stackedHeight);
    painted = view->paintedSamples(experiment);
    for (std::size_t i = 0; i < values.size(); i += 50)
        QCOMPARE(painted.values[i], values[i]);

    QImage image(1200, 600, QImage::Format_ARGB32_Premultiplied);
    QPainter painter(&image);
    view->render(painter, image.size());
}

void TestTrackViewer::problemsAreShownNotFatal()
{
    ProjectDocument doc;
    TracksStep step(&doc);
    TrackView* view = openFixture(step);
    const auto before = view->trackIds().size();

    step.addTrack(QStringLiteral("/no/such/file.bw"));
    QVERIFY2(step.message().contains(QStringLiteral("no such file")), qPrintable(step.message()));
    const auto fake = m_dir.file("fake.bw");
    test::writeText(fake, "this is not a bigWig\n");
    step.addTrack(qpath(fake));
    QVERIFY(!step.message().isEmpty());
    const auto broken = m_dir.file("broken.bed");
    test::writeText(broken, "chrA\t100\t50\tbackwards\n");
    step.addTrack(qpath(broken));
    QTRY_VERIFY_WITH_TIMEOUT(step.message().contains(QStringLiteral("broken.bed")), kWait);
    QCOMPARE(view->trackIds().size(), before + 1); // the BED's lane stays, showing the error

    // chrB is in the genome but not in the bigWig: the lane says so.
    QVERIFY(view->showChromosome("chrB"));
    QTRY_VERIFY_WITH_TIMEOUT(!view->isLoading(), kWait);
    QVERIFY(view->paintedSamples(view->findTrack(qpath(m_signal))).values.empty());
    QImage image(900, 500, QImage::Format_ARGB32_Premultiplied);
    QPainter painter(&image);
    view->render(painter, image.size());

    TracksStep empty(&doc);
    QVERIFY(!empty.navigate(QStringLiteral("chrA:1-100")));
    QVERIFY(!empty.predictHere());
    empty.showModel(QStringLiteral("/no/such/model.kdna"));
    QVERIFY(empty.message().contains(QStringLiteral("no such model")));
}

void TestTrackViewer::exportsPngAndSvg()
{
    ProjectDocument doc;
    TracksStep step(&doc);
    TrackView* view = openFixture(step);
    QVERIFY(showLoaded(view, {"chrA", 9000, 14'000}));
    const QString png = qpath(m_dir.file("view.png"));
    const QString svg = qpath(m_dir.file("view.svg"));
    QVERIFY(view->exportImage(png));
    QVERIFY(view->exportImage(svg));
    const QImage image(png);
    QVERIFY(!image.isNull());
    QCOMPARE(image.width(), 2 * view->width());
    QFile file(svg);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray content = file.readAll();
    QVERIFY(content.contains("<svg"));
    QVERIFY(content.contains("YFG1")); // the gene's name is drawn as text
    QString error;
    QVERIFY(!view->exportImage(QStringLiteral("/no/such/folder/view.png"), &error));
    QVERIFY(!error.isEmpty());
}

void TestTrackViewer::followsDarkPaletteButExportsLight()
{
    ProjectDocument doc;
    TracksStep step(&doc);
    TrackView* view = openFixture(step);
    QVERIFY(showLoaded(view, {"chrA", 9000, 14'000}));
    QPalette dark = view->palette();
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    dark.setColor(QPalette::Text, QColor(0xe8, 0xe8, 0xe8));
    view->setPalette(dark);

    // The bottom-right corner is below every lane: background only.
    const QImage screen = view->grab().toImage();
    const QColor corner = screen.pixelColor(screen.width() - 2, screen.height() - 2);
    QVERIFY2(corner.lightness() < 60, qPrintable(corner.name()));
    const QString png = qpath(m_dir.file("dark.png"));
    QVERIFY(view->exportImage(png));
    const QImage exported(png);
    const QColor paper = exported.pixelColor(exported.width() - 2, exported.height() - 2);
    QCOMPARE(paper, QColor(Qt::white));
}

void TestTrackViewer::panelEditsTrackStyle()
{
    ProjectDocument doc;
    TracksStep step(&doc);
    TrackView* view = openFixture(step);
    const int id = view->findTrack(qpath(m_signal));
    step.panel()->selectTrack(id);
    QCOMPARE(step.panel()->selectedTrack(), id);
    auto* name = step.panel()->findChild<QLineEdit*>(QStringLiteral("trackName"));
    name->setText(QStringLiteral("occupancy"));
    Q_EMIT name->editingFinished();
    QCOMPARE(view->track(id)->style.name, QStringLiteral("occupancy"));
    auto* height = step.panel()->findChild<QSpinBox*>(QStringLiteral("trackHeight"));
    height->setValue(120);
    QCOMPARE(view->track(id)->style.height, 120);
    auto* autoscale = step.panel()->findChild<QCheckBox*>(QStringLiteral("trackAutoscale"));
    autoscale->setChecked(false);
    QVERIFY(!view->track(id)->style.autoscale);
    const auto position = [&] {
        const auto ids = view->trackIds();
        return std::find(ids.begin(), ids.end(), id) - ids.begin();
    };
    const auto before = position();
    view->moveTrack(id, -1);
    QCOMPARE(position(), before - 1);
    view->removeTrack(id);
    QVERIFY(!view->track(id));
    QVERIFY(step.panel()->selectedTrack() != id);
}

void TestTrackViewer::yeastData()
{
    KDNA_REQUIRE_YEAST(data);
    ProjectDocument doc;
    TracksStep step(&doc);
    showSized(step, 1200, 700);
    step.setGenome(qpath(data / "sacCer3.fa"));
    step.addTrack(qpath(data / "nucleosome_occupancy.bw"));
    step.addTrack(qpath(data / "sacCer3_genes.gff3"));
    // A "prediction": the occupancy of chrIV scaled and blurred, written as a model would.
    const auto occupancy = BigWigReader::open(data / "nucleosome_occupancy.bw");
    const auto chrIV = occupancy.loadChromosome("chrIV");
    std::vector<float> predicted(chrIV.size());
    for (std::size_t i = 0; i < chrIV.size(); ++i)
        predicted[i] = 0.02F * (chrIV[i] + chrIV[std::min(i + 30, chrIV.size() - 1)]);
    const auto predictionPath = m_dir.file("chrIV.prediction.bw");
    {
        BigWigWriter writer(predictionPath, occupancy.chromosomes());
        writer.addValues("chrIV", 0, predicted);
        writer.finish();
    }
    step.addTrack(qpath(predictionPath));
    TrackView* view = step.view();
    QTRY_VERIFY_WITH_TIMEOUT(!view->isLoading(), kWait);
    QCOMPARE(view->chromosomes().size(), Genome::open(data / "sacCer3.fa").chromosomes().size());

    const int id = view->findTrack(qpath(data / "nucleosome_occupancy.bw"));
    const auto valueReadsBefore = view->bigWigReader(id)->valueReads();
    QVERIFY(step.navigate(QStringLiteral("chrIV:100,001-100,600")));
    QTRY_VERIFY_WITH_TIMEOUT(!view->isLoading(), kWait);
    const SignalSamples narrow = view->paintedSamples(id);
    QCOMPARE(narrow.resolution, SignalSamples::Resolution::PerBase);
    const auto expected = occupancy.values("chrIV", 100'000, 100'600);
    QCOMPARE(narrow.values.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i)
        QCOMPARE(narrow.values[i], expected[i]);
    QVERIFY(view->bigWigReader(id)->valueReads() > valueReadsBefore);

    // Whole chrIV in a small view, about 5 kb a pixel: the file's zoom levels (its finest
    // summarises 1,824 bases) serve that, so the view reads summaries and no bases.
    TrackView small;
    small.resize(450, 300);
    const int smallId = small.addFile(qpath(data / "nucleosome_occupancy.bw"));
    QTRY_VERIFY_WITH_TIMEOUT(!small.isLoading(), kWait);
    const BigWigReader* smallReader = small.bigWigReader(smallId);
    const auto valueReads = smallReader->valueReads();
    const auto summaryReads = smallReader->summaryReads();
    QVERIFY(small.showChromosome("chrIV"));
    QTRY_VERIFY_WITH_TIMEOUT(!small.isLoading(), kWait);
    QVERIFY(smallReader->summaryReads() > summaryReads);
    QCOMPARE(smallReader->valueReads(), valueReads);
    const SignalSamples wide = small.paintedSamples(smallId);
    QVERIFY(wide.complete);
    QVERIFY(std::count_if(wide.values.begin(), wide.values.end(),
                          [](float v) { return !std::isnan(v); }) > 250);

    QVERIFY(step.navigate(QStringLiteral("YDL247W")));
    QVERIFY(view->range().start <= 5984 && view->range().end >= 7814);
    QCOMPARE(view->range().chrom, std::string("chrIV"));

    const int prediction = view->findTrack(qpath(predictionPath));
    view->pairTracks(prediction, id, Normalizer::fit({"max"}, {std::span<const float>(chrIV)}));
    QVERIFY(step.navigate(QStringLiteral("chrIV:200,001-210,000")));
    QTRY_VERIFY_WITH_TIMEOUT(!view->isLoading(), kWait);
    const double r = view->viewCorrelation(prediction);
    QVERIFY2(r > 0.8, qPrintable(QString::number(r)));
}

void TestTrackViewer::projectModelAndPredictHere()
{
    // The demo project with a model trained for a moment: enough to predict with.
    const auto files = writeDemoData(m_dir.file("demo"));
    Project project = writeDemoProject(files);
    project.training.epochs = 1;
    project.training.steps_per_epoch = 5;
    project.training.validation_steps = 1;
    const auto projectPath = files.fasta.parent_path() / "demo.kdna.json";
    project.save(projectPath);
    const TrainOutcome trained = trainProject(project);
    QVERIFY(std::filesystem::exists(trained.archive));

    ProjectDocument doc;
    doc.load(qpath(projectPath));
    TracksStep step(&doc); // opens the genome, the signal and the model by itself
    showSized(step, 1000, 600);
    TrackView* view = step.view();
    QTRY_VERIFY_WITH_TIMEOUT(step.model()->isReady() && !view->isLoading(), kWait);
    QCOMPARE(view->genomePath(), QFileInfo(qpath(files.fasta)).absoluteFilePath());
    const int experiment = view->findTrack(qpath(files.signal));
    QVERIFY(experiment >= 0);
    QCOMPARE(view->track(experiment)->origin, TrackOrigin::Project);

    QVERIFY(step.navigate(QStringLiteral("chr1:10,001-10,600")));
    QSignalSpy predicted(step.model(), &ModelSession::regionPredicted);
    QVERIFY(step.predictHere());
    QVERIFY(!step.predictHere()); // one prediction at a time
    QTRY_VERIFY_WITH_TIMEOUT(predicted.count() == 1, kWait);
    const auto prediction = predicted.front().front().value<RegionPrediction>();
    QCOMPARE(prediction.range, (GenomicRange{"chr1", 10'000, 10'600}));
    QVERIFY(prediction.method == QStringLiteral("whole-sequence") ||
            prediction.method == QStringLiteral("windows"));
    QVERIFY2(step.message().contains(prediction.method == QStringLiteral("windows")
                                         ? QStringLiteral("windows")
                                         : QStringLiteral("whole-sequence")),
             qPrintable(step.message()));
    int predictionTrack = -1;
    for (const int id : view->trackIds())
        if (view->track(id)->predicted)
            predictionTrack = id;
    QVERIFY(predictionTrack >= 0);
    QCOMPARE(view->track(predictionTrack)->overlayOn, experiment);
    QTRY_VERIFY_WITH_TIMEOUT(!view->isLoading(), kWait);
    QVERIFY(!std::isnan(view->viewCorrelation(predictionTrack)));
    const SignalSamples painted = view->paintedSamples(predictionTrack);
    QCOMPARE(painted.resolution, SignalSamples::Resolution::PerBase);
    QCOMPARE(painted.values.size(), std::size_t{600});
    QCOMPARE(painted.values[300], prediction.values.front()[300]);

    // Predicting again refreshes the same track.
    const auto tracks = view->trackIds().size();
    QVERIFY(step.predictHere());
    QTRY_VERIFY_WITH_TIMEOUT(predicted.count() == 2, kWait);
    QCOMPARE(view->trackIds().size(), tracks);

    // A whole-chromosome prediction stopped with Cancel leaves no file behind.
    QVERIFY(step.navigate(QStringLiteral("chr3")));
    QVERIFY(step.predictChromosome());
    auto* cancel = step.findChild<QPushButton*>(QStringLiteral("cancel"));
    QVERIFY(cancel && cancel->isVisible());
    cancel->click();
    QTRY_VERIFY_WITH_TIMEOUT(!step.model()->isBusy(), kWait);
    QCOMPARE(step.message(), QStringLiteral("Stopped."));
    QVERIFY(!QFile::exists(ModelSession::chromosomeOutput(doc.modelArchivePath(), "chr3")));

    // A whole chromosome goes to bigWig next to the model, and comes back as a track.
    QVERIFY(step.navigate(QStringLiteral("chr4")));
    QSignalSpy chromosome(step.model(), &ModelSession::chromosomePredicted);
    QVERIFY(step.predictChromosome());
    QTRY_VERIFY_WITH_TIMEOUT(chromosome.count() == 1, 60'000);
    const QString output = ModelSession::chromosomeOutput(doc.modelArchivePath(), "chr4");
    QVERIFY(QFile::exists(output));
    QTRY_VERIFY_WITH_TIMEOUT(view->findTrack(output) >= 0 && !view->isLoading(), kWait);
}

QTEST_MAIN(TestTrackViewer)
#include "test_track_viewer.moc"
