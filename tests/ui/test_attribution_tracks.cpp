// "Explain here" and VCF variant lanes in the Tracks step, as a person uses them: the real
// button, shortcut, method box and "Add tracks..." dialog, then what the lanes say and draw.
// The drawing is asserted on the painter's calls, recorded by a paint engine of the test's own.
#include "core/data/spec_file.h"
#include "core/genome/genome.h"
#include "core/project/demo_data.h"
#include "core/project/project.h"
#include "core/project/workflow.h"
#include "support/demo_scratch.h"
#include "support/fixtures.h"
#include "ui/bridge/project_document.h"
#include "ui/style/colors.h"
#include "ui/tracks/model_session.h"
#include "ui/tracks/track_painter.h"
#include "ui/tracks/track_view.h"
#include "ui/tracks/tracks_step.h"
#include "user_actions.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <QComboBox>
#include <QElapsedTimer>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPaintDevice>
#include <QPaintEngine>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QTest>
#include <QTextItem>
#include <QToolTip>

using namespace kdna;
using namespace kdna::ui;

namespace {

constexpr int kWait = 60'000;

/// What a recorded call filled, and with what.
struct Fill {
    QRectF box;
    QColor color;
};

/// A paint engine that keeps the filled paths, rectangles and ellipses it is asked to draw,
/// in device coordinates, with their brush colour.
class RecordingEngine : public QPaintEngine {
public:
    std::vector<Fill> paths;
    std::vector<Fill> rects;
    std::vector<Fill> ellipses;
    QStringList texts;

    bool begin(QPaintDevice*) override { return true; }
    bool end() override { return true; }
    Type type() const override { return QPaintEngine::User; }
    void updateState(const QPaintEngineState& state) override
    {
        if (state.state() & DirtyBrush)
            m_brush = state.brush();
        if (state.state() & DirtyTransform)
            m_transform = state.transform();
    }
    void drawPath(const QPainterPath& path) override
    {
        if (m_brush.style() != Qt::NoBrush)
            paths.push_back({m_transform.map(path).boundingRect(), m_brush.color()});
    }
    void drawRects(const QRectF* r, int n) override
    {
        for (int i = 0; i < n; ++i)
            if (m_brush.style() != Qt::NoBrush)
                rects.push_back({m_transform.mapRect(r[i]), m_brush.color()});
    }
    void drawRects(const QRect* r, int n) override
    {
        for (int i = 0; i < n; ++i)
            drawRects(std::array<QRectF, 1>{QRectF(r[i])}.data(), 1);
    }
    void drawEllipse(const QRectF& r) override
    {
        ellipses.push_back({m_transform.mapRect(r), m_brush.color()});
    }
    void drawTextItem(const QPointF&, const QTextItem& item) override { texts << item.text(); }
    void drawPixmap(const QRectF&, const QPixmap&, const QRectF&) override {}
    void drawPolygon(const QPointF*, int, PolygonDrawMode) override {}
    void drawLines(const QLineF*, int) override {}

private:
    QBrush m_brush;
    QTransform m_transform;
};

class RecordingDevice : public QPaintDevice {
public:
    explicit RecordingDevice(QSize size)
        : m_size(size)
    {}
    QPaintEngine* paintEngine() const override { return &m_engine; }
    RecordingEngine& engine() { return m_engine; }

protected:
    int metric(PaintDeviceMetric m) const override
    {
        switch (m) {
        case PdmWidth:
            return m_size.width();
        case PdmHeight:
            return m_size.height();
        case PdmDpiX:
        case PdmDpiY:
        case PdmPhysicalDpiX:
        case PdmPhysicalDpiY:
            return 96;
        case PdmDepth:
            return 32;
        case PdmDevicePixelRatio:
            return 1;
        case PdmDevicePixelRatioScaled:
            return static_cast<int>(QPaintDevice::devicePixelRatioFScale());
        default:
            return QPaintDevice::metric(m);
        }
    }

private:
    QSize m_size;
    mutable RecordingEngine m_engine;
};

/// The calls the view makes to draw itself as it is on screen.
std::unique_ptr<RecordingDevice> record(const TrackView* view)
{
    auto device = std::make_unique<RecordingDevice>(view->size());
    QPainter painter(device.get());
    view->render(painter, view->size());
    painter.end();
    return device;
}

template<typename T>
T* widget(QWidget* parent, const char* name)
{
    return parent->findChild<T*>(QString::fromLatin1(name));
}

void typeLocus(TracksStep& step, const QString& locus)
{
    test::typeInto(widget<QLineEdit>(&step, "locus"), locus);
}

/// The lane of `kind` (its track id), or -1.
int laneOf(const TrackView* view, TrackKind kind)
{
    for (const int id : view->trackIds())
        if (view->track(id)->kind == kind)
            return id;
    return -1;
}

/// The x of base `pos`'s left edge on the view's screen (TrackView's data area).
double xOf(const TrackView* view, double pos)
{
    const GenomicRange r = view->range();
    const double width = view->width() - TrackView::kGutterWidth - 10; // its right margin
    return TrackView::kGutterWidth +
           (pos - static_cast<double>(r.start)) / (static_cast<double>(r.length()) / width);
}

bool isBaseColour(const QColor& c)
{
    for (const char b : {'A', 'C', 'G', 'T', 'N'})
        if (c == colors::base(b))
            return true;
    return false;
}

/// Hovers `pos` of the view as a person does and returns the tooltip that comes.
QString hover(TrackView* view, const QPoint& pos)
{
    // Qt shows tooltips in the active window only (the one a person points into).
    view->window()->activateWindow();
    if (!QTest::qWaitForWindowActive(view->window()))
        return QStringLiteral("(the window is not active)");
    QTest::mouseMove(view, pos - QPoint(3, 0));
    QTest::mouseMove(view, pos);
    if (!QTest::qWaitFor([] { return QToolTip::isVisible(); }, 4000))
        return QStringLiteral("(no tooltip came)");
    const QString text = QToolTip::text();
    QToolTip::hideText();
    return text;
}

} // namespace

class TestAttributionTracks : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void explainHereDrawsALogo();
    void ismAddsAHeatmapByTheShortcut();
    void wideViewIsExplainedOverItsMiddle();
    void newerExplanationWins();
    void vcfBecomesAVariantLane();
    void explainHereOnTwoKilobases();
    void labelsStayReadableOverTheData();

private:
    /// A Tracks step on the trained demo project, its model loaded, shown at `width`.
    std::unique_ptr<TracksStep> openStep(int width = 1100, int height = 760);
    /// Clicks "Explain here" and waits for the lane of `kind` to show data over `locus`.
    bool explainAndWait(TracksStep& step, TrackKind kind, double* seconds = nullptr);

    test::ScratchDir m_dir;
    DemoFiles m_files;
    std::filesystem::path m_project;
    std::unique_ptr<ProjectDocument> m_doc;
};

void TestAttributionTracks::initTestCase()
{
    m_files = test::demoInScratch(m_dir);
    Project project = writeDemoProject(m_files);
    project.training.epochs = 1;
    project.training.steps_per_epoch = 5;
    project.training.validation_steps = 1;
    m_project = m_files.fasta.parent_path() / "demo.kdna.json";
    project.save(m_project);
    const TrainOutcome trained = trainProject(project);
    QVERIFY(std::filesystem::exists(trained.archive));
}

std::unique_ptr<TracksStep> TestAttributionTracks::openStep(int width, int height)
{
    m_doc = std::make_unique<ProjectDocument>();
    m_doc->load(QString::fromStdString(m_project.string()));
    auto step = std::make_unique<TracksStep>(m_doc.get());
    step->resize(width, height);
    step->show();
    if (!QTest::qWaitForWindowExposed(step.get()))
        return nullptr;
    if (!QTest::qWaitFor([&] { return step->model()->isReady() && !step->view()->isLoading(); },
                         kWait))
        return nullptr;
    return step;
}

bool TestAttributionTracks::explainAndWait(TracksStep& step, TrackKind kind, double* seconds)
{
    auto* button = widget<QPushButton>(&step, "explainHere");
    if (!button || !button->isEnabled())
        return false;
    const GenomicRange range = step.view()->range();
    QElapsedTimer clock;
    clock.start();
    QTest::mouseClick(button, Qt::LeftButton);
    const bool drawn = QTest::qWaitFor(
        [&] {
            const Track* t = step.view()->track(laneOf(step.view(), kind));
            return t && t->explanation && t->explanation->start >= range.start &&
                   t->explanation->end() <= range.end && !step.model()->isBusy();
        },
        kWait);
    step.view()->repaint(); // the lane drawn on screen
    if (seconds)
        *seconds = static_cast<double>(clock.elapsed()) / 1000;
    return drawn;
}

void TestAttributionTracks::explainHereDrawsALogo()
{
    auto step = openStep();
    QVERIFY(step && step->model()->isReady());
    TrackView* view = step->view();
    auto* method = widget<QComboBox>(step.get(), "explainMethod");
    QCOMPARE(method->currentText(), QStringLiteral("input \u00d7 gradient")); // the default
    QCOMPARE(laneOf(view, TrackKind::Attribution), -1);

    // 120 bases over ~700 pixels: letters.
    typeLocus(*step, QStringLiteral("chr1:20,001-20,120"));
    QVERIFY(QTest::qWaitFor([&] { return !view->isLoading(); }, kWait));
    QVERIFY(explainAndWait(*step, TrackKind::Attribution));
    const int lane = laneOf(view, TrackKind::Attribution);
    const Track* t = view->track(lane);
    QVERIFY2(t->style.name.startsWith(QStringLiteral("input \u00d7 gradient of ")),
             qPrintable(t->style.name));
    QVERIFY2(step->message().startsWith(QStringLiteral("Explained chr1:20,001-20,120")),
             qPrintable(step->message()));
    QCOMPARE(laneOf(view, TrackKind::Heatmap), -1); // a heatmap only for ISM
    const Explanation& e = *t->explanation;
    QCOMPARE(e.start, std::int64_t{20'000});
    QCOMPARE(e.scores.size(), std::size_t{120});

    // One letter a base with a score, in the base's colour, as tall as the score...
    const auto device = record(view);
    std::vector<Fill> letters;
    for (const Fill& f : device->engine().paths)
        if (isBaseColour(f.color))
            letters.push_back(f);
    std::vector<std::size_t> scored;
    for (std::size_t i = 0; i < e.scores.size(); ++i)
        if (std::isfinite(e.scores[i]) && e.scores[i] != 0)
            scored.push_back(i);
    QCOMPARE(letters.size(), scored.size());
    QVERIFY(scored.size() > 100);
    double perUnit = 0;
    double axis = std::nan("");
    int above = 0;
    int below = 0;
    for (std::size_t k = 0; k < letters.size(); ++k) {
        const std::size_t i = scored[k];
        const Fill& f = letters[k];
        QCOMPARE(f.color, colors::base(e.bases[i]));
        QVERIFY2(std::abs(f.box.left() - xOf(view, static_cast<double>(e.start + i))) < 1.5,
                 qPrintable(QStringLiteral("letter %1 at x %2").arg(k).arg(f.box.left())));
        const double ratio = f.box.height() / std::abs(e.scores[i]);
        if (perUnit == 0)
            perUnit = ratio;
        QVERIFY2(std::abs(ratio - perUnit) < 0.01 * perUnit,
                 qPrintable(QStringLiteral("letter %1: height %2 for score %3")
                                .arg(k)
                                .arg(f.box.height())
                                .arg(e.scores[i])));
        // ...standing on the axis when positive, hanging from it when negative.
        const double edge = e.scores[i] > 0 ? f.box.bottom() : f.box.top();
        if (std::isnan(axis))
            axis = edge;
        QVERIFY(std::abs(edge - axis) < 0.01);
        (e.scores[i] > 0 ? above : below)++;
        if (e.scores[i] > 0)
            QVERIFY(f.box.top() < axis);
        else
            QVERIFY(f.box.bottom() > axis);
    }
    QVERIFY2(above > 0 && below > 0, "input x gradient gives both signs here");

    // The largest letter fills half the lane (less a margin): its height is the scale's.
    double largest = 0;
    for (const float s : e.scores)
        largest = std::max(largest, static_cast<double>(std::abs(s)));
    QVERIFY(std::abs(largest * perUnit - (t->style.height / 2.0 - 2)) < 0.5);

    // Hovering a letter says its base and score.
    const std::size_t i = scored[scored.size() / 2];
    const Fill& f = letters[scored.size() / 2];
    const QString tip = hover(view, f.box.center().toPoint());
    QVERIFY2(tip.contains(QStringLiteral("%1, score %2")
                              .arg(QLatin1Char(e.bases[i]))
                              .arg(QString::number(e.scores[i], 'g', 4))),
             qPrintable(tip));

    // Zoomed out past letters: bars of the score, up in red and down in blue, and no letters.
    QTest::mouseClick(view, Qt::LeftButton, {},
                      QPoint(view->width() / 2, TrackView::kRulerHeight + 10));
    QTest::keyClick(view, Qt::Key_Minus);
    QTest::keyClick(view, Qt::Key_Minus);
    QTest::keyClick(view, Qt::Key_Minus);
    QVERIFY(view->range().length() >= 900);
    const auto zoomedOut = record(view);
    int positive = 0;
    int negative = 0;
    for (const Fill& r : zoomedOut->engine().rects) {
        positive += r.color == colors::attributionPositive() ? 1 : 0;
        negative += r.color == colors::attributionNegative() ? 1 : 0;
    }
    QVERIFY(positive > 0 && negative > 0);
    for (const Fill& p : zoomedOut->engine().paths)
        QVERIFY(!isBaseColour(p.color));
}

void TestAttributionTracks::ismAddsAHeatmapByTheShortcut()
{
    auto step = openStep();
    QVERIFY(step && step->model()->isReady());
    TrackView* view = step->view();
    typeLocus(*step, QStringLiteral("chr2:30,001-30,100"));
    QVERIFY(QTest::qWaitFor([&] { return !view->isLoading(); }, kWait));
    QVERIFY(
        test::chooseInCombo(widget<QComboBox>(step.get(), "explainMethod"), QStringLiteral("ISM")));
    step->activateWindow(); // keys go to the window a person works in
    QVERIFY(QTest::qWaitForWindowActive(step.get()));
    QTest::keyClick(step.get(), Qt::Key_E, Qt::ControlModifier); // Explain here's shortcut
    QVERIFY(QTest::qWaitFor(
        [&] { return laneOf(view, TrackKind::Heatmap) >= 0 && !step->model()->isBusy(); }, kWait));
    view->repaint();
    const Track* heat = view->track(laneOf(view, TrackKind::Heatmap));
    QVERIFY(heat->style.name.startsWith(QStringLiteral("ISM heatmap of ")));
    QVERIFY(view->track(laneOf(view, TrackKind::Attribution))
                ->style.name.startsWith(QStringLiteral("ISM of ")));
    const Explanation& e = *heat->explanation;
    QCOMPARE(e.ism.size(), e.scores.size() * 4);

    // Every cell of the 4 x 100 grid in its diverging colour; the reference's own is blank.
    double largest = 0;
    for (const float v : e.ism)
        largest = std::max(largest, static_cast<double>(std::abs(v)));
    QVERIFY(largest > 0);
    const auto device = record(view);
    const QColor background = paint::Theme::fromPalette(view->palette()).background;
    int checked = 0;
    int reds = 0;
    int blues = 0;
    std::vector<double> rowTops;
    const double row = (heat->style.height - 4) / 4.0;
    for (std::size_t i = 0; i < e.scores.size(); i += 7) {
        // The base's four cells, top to bottom: rows A, C, G, T.
        const double x = xOf(view, static_cast<double>(e.start + i));
        std::vector<Fill> cells;
        for (const Fill& r : device->engine().rects)
            if (std::abs(r.box.left() - x) < 0.5 && std::abs(r.box.height() - row) < 0.01)
                cells.push_back(r);
        std::sort(cells.begin(), cells.end(),
                  [](const Fill& a, const Fill& b) { return a.box.top() < b.box.top(); });
        QCOMPARE(cells.size(), std::size_t{4});
        for (std::size_t b = 0; b < 4; ++b) {
            const float change = e.ism[i * 4 + b];
            const QColor want = colors::diverging(change / largest, background);
            QVERIFY2(cells[b].color == want,
                     qPrintable(QStringLiteral("base %1, row %2: %3, not %4")
                                    .arg(i)
                                    .arg(QLatin1Char("ACGT"[b]))
                                    .arg(cells[b].color.name(), want.name())));
            if (b > 0)
                QVERIFY(std::abs(cells[b].box.top() - cells[b - 1].box.bottom()) < 0.01);
            if ("ACGT"[b] == e.bases[i])
                QCOMPARE(change, 0.0F);
            reds += change > 0 ? 1 : 0;
            blues += change < 0 ? 1 : 0;
            ++checked;
        }
    }
    QVERIFY(checked >= 50 && reds > 0 && blues > 0);
    QVERIFY(colors::diverging(1).red() > colors::diverging(1).blue());
    QVERIFY(colors::diverging(-1).blue() > colors::diverging(-1).red());
}

void TestAttributionTracks::wideViewIsExplainedOverItsMiddle()
{
    auto step = openStep();
    QVERIFY(step && step->model()->isReady());
    typeLocus(*step, QStringLiteral("chr1:1-40,000"));
    QVERIFY(explainAndWait(*step, TrackKind::Attribution));
    const Explanation& e =
        *step->view()->track(laneOf(step->view(), TrackKind::Attribution))->explanation;
    QCOMPARE(e.end() - e.start, ModelSession::kExplainMaxSpan);
    QCOMPARE(e.start, std::int64_t{10'000});
    QVERIFY2(step->message().contains(QStringLiteral("covers at most 20 kb")),
             qPrintable(step->message()));
}

void TestAttributionTracks::newerExplanationWins()
{
    auto step = openStep();
    QVERIFY(step && step->model()->isReady());
    TrackView* view = step->view();
    auto* button = widget<QPushButton>(step.get(), "explainHere");
    typeLocus(*step, QStringLiteral("chr3:1-20,000"));
    QTest::mouseClick(button, Qt::LeftButton);
    QVERIFY(step->model()->isBusy());
    QVERIFY(button->isEnabled()); // a newer request may replace this one
    typeLocus(*step, QStringLiteral("chr3:40,001-40,500"));
    QTest::mouseClick(button, Qt::LeftButton);
    QVERIFY(QTest::qWaitFor([&] { return !step->model()->isBusy(); }, kWait));
    QTest::qWait(200); // nothing of the first request arrives after it
    const Explanation& e = *view->track(laneOf(view, TrackKind::Attribution))->explanation;
    QCOMPARE(e.chrom, std::string("chr3"));
    QCOMPARE(e.start, std::int64_t{40'000});
    QCOMPARE(e.end(), std::int64_t{40'500});
    QVERIFY2(step->message().startsWith(QStringLiteral("Explained chr3:40,001-40,500")),
             qPrintable(step->message()));
}

void TestAttributionTracks::vcfBecomesAVariantLane()
{
    const Genome genome = Genome::open(m_files.fasta);
    const std::string ref = genome.fetch("chr1", 50'000, 50'400);
    const auto other = [](char c) {
        return c == 'A' ? 'G' : 'A';
    };
    const auto vcf = m_dir.file("three.vcf");
    std::string text = "##fileformat=VCFv4.2\n##contig=<ID=chr1,length=120000>\n"
                       "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n";
    for (const int at : {100, 200, 300})
        text += "chr1\t" + std::to_string(50'000 + at + 1) + "\tv" + std::to_string(at) + "\t" +
                ref[static_cast<std::size_t>(at)] + "\t" +
                other(ref[static_cast<std::size_t>(at)]) + "\t.\t.\t.\n";
    // A REF that is not the genome's is left out, with a sentence.
    text +=
        "chr1\t50351\tbad\t" + std::string(1, other(ref[350])) + "\t" + ref[350] + "\t.\t.\t.\n";
    test::writeText(vcf, text);

    auto step = openStep();
    QVERIFY(step && step->model()->isReady());
    TrackView* view = step->view();
    typeLocus(*step, QStringLiteral("chr1:50,001-50,400"));
    test::answerFileDialog(QString::fromStdString(vcf.string()));
    QTest::mouseClick(widget<QPushButton>(step.get(), "addTracks"), Qt::LeftButton);
    QVERIFY(QTest::qWaitFor(
        [&] {
            const Track* t = view->track(laneOf(view, TrackKind::Variants));
            return t && t->variants;
        },
        kWait));
    view->repaint();
    const Track* lane = view->track(laneOf(view, TrackKind::Variants));
    QCOMPARE(lane->style.name, QStringLiteral("three.vcf"));
    QCOMPARE(lane->variants->marks.size(), std::size_t{3});
    QVERIFY2(step->message().contains(QStringLiteral("Scored 3 variants of three.vcf")),
             qPrintable(step->message()));
    QVERIFY2(step->message().contains(QStringLiteral("1 left out")), qPrintable(step->message()));

    // A lollipop at each variant, its head coloured by alt - ref over the largest effect.
    const auto device = record(view);
    const auto& heads = device->engine().ellipses;
    QCOMPARE(heads.size(), std::size_t{3});
    const double largest = lane->variants->largestEffect(); // all three are in view
    QVERIFY(largest > 0);
    const QColor background = paint::Theme::fromPalette(view->palette()).background;
    for (std::size_t k = 0; k < 3; ++k) {
        const VariantMark& v = lane->variants->marks[k];
        QVERIFY(std::abs(heads[k].box.center().x() - xOf(view, static_cast<double>(v.pos) + 0.5)) <
                0.5);
        QCOMPARE(heads[k].color, colors::diverging(v.effect() / largest, background));
    }
    // The tallest stick is the largest effect's.
    std::size_t tallest = 0;
    for (std::size_t k = 1; k < 3; ++k)
        if (heads[k].box.top() < heads[tallest].box.top())
            tallest = k;
    QCOMPARE(std::abs(lane->variants->marks[tallest].effect()), static_cast<float>(largest));

    // Hovering a head tells its effect.
    const VariantMark& v = lane->variants->marks[1];
    const QString tip = hover(view, heads[1].box.center().toPoint());
    QVERIFY2(tip.contains(QStringLiteral("<b>v200</b>")), qPrintable(tip));
    QVERIFY2(tip.contains(
                 QStringLiteral("alt \u2212 ref = %1").arg(QString::number(v.effect(), 'g', 4))),
             qPrintable(tip));

    // Clicking it shows the model over every window that holds it: a ref and an alt lane, one
    // value per window centre, the middle window's the variant's own ref and alt.
    QTest::mouseClick(view, Qt::LeftButton, {}, heads[1].box.center().toPoint());
    const auto laneNamed = [&](const QString& name) {
        for (const int id : view->trackIds())
            if (view->track(id)->style.name == name)
                return id;
        return -1;
    };
    QVERIFY2(
        QTest::qWaitFor([&] { return laneNamed(QStringLiteral("v200 alt windows")) >= 0; }, kWait),
        qPrintable(step->message()));
    const int refLane = laneNamed(QStringLiteral("v200 ref windows"));
    const int altLane = laneNamed(QStringLiteral("v200 alt windows"));
    QVERIFY(refLane >= 0);
    QVERIFY2(step->message().contains(QStringLiteral("windows that hold v200 (chr1:50,201 ")),
             qPrintable(step->message()));
    const std::int64_t L = primary(Project::load(m_project).dataset).window;
    const auto read = [&](int id, std::int64_t pos) {
        return view->track(id)->source->read("chr1", pos, pos + 1, 1).values.at(0);
    };
    QVERIFY(std::abs(read(refLane, v.pos) - v.refValue) < 1e-5);
    QVERIFY(std::abs(read(altLane, v.pos) - v.altValue) < 1e-5);
    const int changeLane = laneNamed(QStringLiteral("v200 alt \u2212 ref"));
    QVERIFY(changeLane >= 0);
    QVERIFY(std::abs(read(changeLane, v.pos) - v.effect()) < 1e-5);
    // The first and last windows that hold it, and none beyond.
    const std::int64_t first = v.pos - (L - 1) + L / 2;
    QVERIFY(!std::isnan(read(refLane, first)));
    QVERIFY(!std::isnan(read(altLane, first + L - 1)));
    QVERIFY(std::isnan(read(refLane, first - 1)));
    QVERIFY(std::isnan(read(altLane, first + L)));
}

void TestAttributionTracks::explainHereOnTwoKilobases()
{
    auto step = openStep();
    QVERIFY(step && step->model()->isReady());
    typeLocus(*step, QStringLiteral("chr2:40,001-42,000"));
    QVERIFY(QTest::qWaitFor([&] { return !step->view()->isLoading(); }, kWait));
    double seconds = 0;
    QVERIFY(explainAndWait(*step, TrackKind::Attribution, &seconds));
    qInfo("Explain here (input x gradient) on a 2 kb view: %.3f s from the click to the lane "
          "drawn",
          seconds);
    QVERIFY2(seconds < 10, "far from the 2 s target");
}

/// A lane's labels (the data range, the r of the prediction in view) sit on a card of the
/// background, so a line of their own colour running under them does not hide them: the card
/// is where asked, lighter than the data under it, and the data beside it is untouched.
void TestAttributionTracks::labelsStayReadableOverTheData()
{
    const QColor prediction(0xe6, 0x6e, 0x14);
    QImage image(300, 40, QImage::Format_ARGB32);
    image.fill(prediction);
    const paint::Theme theme;
    QRectF card;
    {
        QPainter p(&image);
        QFont font = p.font();
        font.setPixelSize(11);
        p.setFont(font);
        card = paint::drawCardText(p, theme, {290, 5}, paint::CardCorner::TopRight, 14,
                                   QStringLiteral("r = 0.863 with demo_signal in view"),
                                   prediction.darker(120));
    }
    QCOMPARE(card.right(), 290.0);
    QCOMPARE(card.top(), 5.0);
    QVERIFY(card.width() > 100);
    // The card's margin, right of the last letter: the background seen through, not the line.
    const QColor under =
        image.pixelColor(static_cast<int>(card.right()) - 1, static_cast<int>(card.center().y()));
    QVERIFY2(under.blue() > 180 && under.green() > 200,
             qPrintable(QStringLiteral("%1 under the label").arg(under.name())));
    QCOMPARE(image.pixelColor(295, 10), prediction);
    QCOMPARE(image.pixelColor(static_cast<int>(card.left()) - 3, 10), prediction);
}

QTEST_MAIN(TestAttributionTracks)
#include "test_attribution_tracks.moc"
