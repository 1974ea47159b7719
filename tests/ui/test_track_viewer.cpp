#include "core/data/normalization.h"
#include "core/genome/genome.h"
#include "core/project/demo_data.h"
#include "core/project/project.h"
#include "core/project/workflow.h"
#include "core/tracks/bigwig.h"
#include "core/util/chrom_names.h"
#include "support/fixtures.h"
#include "ui/bridge/project_document.h"
#include "ui/bridge/qt_convert.h"
#include "ui/tracks/locus.h"
#include "ui/tracks/model_session.h"
#include "ui/tracks/track_panel.h"
#include "ui/tracks/track_view.h"
#include "ui/tracks/tracks_step.h"
#include "user_actions.h"

#include <cmath>

#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QColorDialog>
#include <QCompleter>
#include <QDialogButtonBox>
#include <QElapsedTimer>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QImage>
#include <QLineEdit>
#include <QListWidget>
#include <QPainter>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QTimer>

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

/// A project file opened in a document of its own and its Tracks step shown.
struct OpenProject {
    explicit OpenProject(const std::filesystem::path& project, int width = 1000, int height = 600)
        : step(loaded(doc, project))
    {
        showSized(step, width, height);
    }
    ProjectDocument doc;
    TracksStep step;

private:
    static ProjectDocument* loaded(ProjectDocument& d, const std::filesystem::path& project)
    {
        d.load(qpath(project));
        return &d;
    }
};

/// Shows `range` and waits until its reads are in; false when the view refuses the range or
/// is still loading after kWait.
bool showLoaded(TrackView* view, const GenomicRange& range)
{
    return view->showRange(range) && QTest::qWaitFor([&] { return !view->isLoading(); }, kWait);
}

/// The line edit a person types into in a modal dialog: a file dialog's file name, a colour
/// dialog's HTML field.
QLineEdit* dialogField(QWidget* dialog)
{
    if (qobject_cast<QFileDialog*>(dialog))
        return dialog->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"));
    for (auto* edit : dialog->findChildren<QLineEdit*>())
        if (!qobject_cast<QAbstractSpinBox*>(edit->parentWidget()))
            return edit;
    return nullptr;
}

/// Presses the dialog's Open, Save or OK button.
void pressAccept(QWidget* dialog)
{
    // Escape closes the suggestions the file name shows (the popup would take the click).
    if (QWidget* popup = QApplication::activePopupWidget())
        QTest::keyClick(popup, Qt::Key_Escape);
    auto* buttons = dialog->findChild<QDialogButtonBox*>();
    for (QAbstractButton* b : buttons ? buttons->buttons() : QList<QAbstractButton*>{})
        if (buttons->buttonRole(b) == QDialogButtonBox::AcceptRole && b->isEnabled()) {
            QTest::mouseClick(b, Qt::LeftButton);
            return;
        }
}

/// Pastes `text` over the field's text, as a person pastes a path (typed a key at a time, a
/// path makes Qt's file dialog select every folder on the way).
void pasteInto(QLineEdit* field, const QString& text)
{
    field->setFocus();
    QGuiApplication::clipboard()->setText(text);
    QTest::keyClick(field, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClick(field, Qt::Key_V, Qt::ControlModifier);
}

/// Which answerNextDialog() call is the current one. A test's `answered` flag lives on its
/// stack: an answer still polling or closing when its test has returned must not write into
/// the next test's frame (it did: one byte of a TracksStep's pointer there, under ASan + xcb).
int g_dialogAnswer = 0;

/// Types the entries of `steps` one after another, each followed (once it has settled) by a
/// press on the accept button: a file dialog is given the folder, then the file name, as a
/// person browses to a file.
void answerSteps(QPointer<QWidget> dialog, QLineEdit* field, QStringList steps, bool* answered,
                 int answer)
{
    if (answer != g_dialogAnswer)
        return;
    if (!dialog || QApplication::activeModalWidget() != dialog)
        return; // closed: `answered` says already whether it took the last step

    if (steps.isEmpty()) { // never leave a test waiting on it
        qWarning("the dialog did not take '%s'", qPrintable(field->text()));
        QTest::keyClick(dialog, Qt::Key_Escape);
        return;
    }
    pasteInto(field, steps.takeFirst());
    QTimer::singleShot(200, qApp, [=] {
        if (!dialog || answer != g_dialogAnswer)
            return;
        *answered = steps.isEmpty(); // the last step: pressing accept closes the dialog
        pressAccept(dialog);
        QTimer::singleShot(200, qApp, [=] { answerSteps(dialog, field, steps, answered, answer); });
    });
}

void answerWhenOpen(const QString& text, int tries, bool* answered, int answer)
{
    if (answer != g_dialogAnswer)
        return;
    QWidget* dialog = QApplication::activeModalWidget();
    QLineEdit* field = dialog ? dialogField(dialog) : nullptr;
    if (!field || !field->isVisible()) {
        if (tries < 400)
            QTimer::singleShot(25, [=] { answerWhenOpen(text, tries + 1, answered, answer); });
        return;
    }
    // Typing goes where a person's would: into the active window's focused field.
    dialog->activateWindow();
    if (!QTest::qWaitForWindowActive(dialog, 2000))
        qWarning("the dialog did not become active");
    answerSteps(dialog, field, {text}, answered, answer);
}

/// Answers the next modal dialog (Qt's own, not the desktop's) as a person would: `text`
/// typed into its field (a file dialog's file name, a colour dialog's HTML code), then its
/// Open, Save or OK button pressed. `answered` turns true once the dialog took it.
void answerNextDialog(const QString& text, bool* answered)
{
    *answered = false;
    const int answer = ++g_dialogAnswer;
    QTimer::singleShot(0, [=] { answerWhenOpen(text, 0, answered, answer); });
}

template<typename T = QWidget>
T* widget(QWidget* parent, const char* name)
{
    T* w = parent->findChild<T*>(QString::fromLatin1(name));
    if (!w)
        qWarning("no widget named %s", name);
    return w;
}

/// Clicks into the locus box, replaces its text by `locus` and presses Enter.
void typeLocus(TracksStep& step, const QString& locus)
{
    test::typeInto(widget<QLineEdit>(&step, "locus"), locus);
}

QString locusBox(TracksStep& step)
{
    return widget<QLineEdit>(&step, "locus")->text();
}

/// Clicks the side panel's row for the track named `name`.
void selectInPanel(TracksStep& step, const QString& name)
{
    auto* list = widget<QListWidget>(&step, "trackList");
    for (int row = 0; row < list->count(); ++row)
        if (list->item(row)->text().startsWith(name + QStringLiteral("  "))) {
            const QRect rect = list->visualItemRect(list->item(row));
            QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, rect.center());
            return;
        }
    qWarning("no track named %s in the panel", qPrintable(name));
}

/// The files of the view's tracks, top to bottom (the genome's for the sequence lane).
QStringList trackFiles(const TrackView* view)
{
    QStringList files;
    for (const int id : view->trackIds())
        files << QFileInfo(view->track(id)->path).fileName();
    return files;
}

/// The first number after "r = " in `text`, as written.
QString rIn(const QString& text)
{
    static const QRegularExpression r(QStringLiteral("r = (-?[0-9]+\\.[0-9]+)"));
    const auto m = r.match(text);
    return m.hasMatch() ? m.captured(1) : QString();
}

} // namespace

class TestTrackViewer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    /// An answer its test did not use ends with it.
    void cleanup() { ++g_dialogAnswer; }
    void initTestCase();
    void locusText();
    void locusAcceptsTheAliasesCoreAccepts();
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
    void progressStaysUntilTheNewerTaskEnds();
    void locusBoxFollowsZoomAndPan();
    void statusLineAndLaneShowOneCorrelation();
    void openingAnotherProjectStartsOver();
    void projectFileKeepsTheViewerSession();

private:
    /// 1000 px: the view then paints 500 bases one per pixel beside the track panel.
    TrackView* openFixture(TracksStep& step, int width = 1000, int height = 600);
    /// The demo project with a model trained for a moment (enough to predict with), once.
    std::filesystem::path trainedDemo();
    /// trainedDemo() opened, its Tracks step shown at 1000 x 600; null when it is not there.
    std::unique_ptr<OpenProject> openTrainedDemo();
    /// A project of the fixture genome and signal, saved as `name`.
    std::filesystem::path fixtureProject(const std::string& name);

    std::filesystem::path m_demoProject;

    test::ScratchDir m_dir;
    std::filesystem::path m_fasta, m_signal, m_prediction, m_genes;
    std::string m_basesA;
};

void TestTrackViewer::initTestCase()
{
    // Qt's own dialogs, which a test can find and type into, on every desktop.
    QCoreApplication::setAttribute(Qt::AA_DontUseNativeDialogs);
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
    QCOMPARE(tickLabel(1'200'000, 100'000), QStringLiteral("1,200 kb"));
    QCOMPARE(tickLabel(3'000'000, 1'000'000), QStringLiteral("3 Mb"));
    QCOMPARE(tickLabel(100'020, 20), QStringLiteral("100,020"));
    QCOMPARE(tickStep(10.0, 80.0), std::int64_t{1000});
}

void TestTrackViewer::locusAcceptsTheAliasesCoreAccepts()
{
    // The locus box and the engine agree on which spellings name a chromosome.
    for (const std::vector<Chromosome>& genome :
         {std::vector<Chromosome>{{"chrI", 230'218}, {"chrIX", 439'888}, {"chrM", 85'779}},
          std::vector<Chromosome>{{"I", 230'218}, {"IX", 439'888}, {"MT", 85'779}}}) {
        const auto names = namesOf(genome);
        for (const char* typed : {"I", "chrI", "chri", "IX", "chrIX", "ix", "M", "MT", "chrM",
                                  "chrMT", "mt", "X", "chrIIX", "Mito"}) {
            QString error;
            const auto parsed =
                parseLocusText(QString::fromLatin1(typed) + QStringLiteral(":1-10"));
            QVERIFY(parsed);
            const auto range = resolveLocus(*parsed, genome, &error);
            const std::string expected = chrom_names::match(typed, names);
            QVERIFY2((range ? range->chrom : std::string()) == expected,
                     qPrintable(QStringLiteral("%1 on %2: %3 vs %4")
                                    .arg(QString::fromLatin1(typed), qs(names.front()),
                                         qs(range ? range->chrom : std::string()), qs(expected))));
            if (!range) // the message names the spelling to use when there is one
                QVERIFY2(error.contains(QString::fromLatin1(typed)), qPrintable(error));
        }
    }
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

    typeLocus(step, QStringLiteral("chrA:1,001-2,000"));
    QCOMPARE(view->range(), (GenomicRange{"chrA", 1000, 2000}));
    typeLocus(step, QStringLiteral("chrA:5000"));
    QCOMPARE(view->range().chrom, std::string("chrA"));
    QVERIFY(view->range().start <= 4999 && view->range().end > 4999);
    QVERIFY(view->range().length() <= 200);

    typeLocus(step, QStringLiteral("yfg1")); // the Name, any case
    const GenomicRange gene = view->range();
    QVERIFY(gene.start <= 10'000 && gene.end >= 12'000 && gene.length() < 3000);
    typeLocus(step, QStringLiteral("gene:YFG2")); // the ID
    QVERIFY(view->range().start <= 11'000 && view->range().end >= 13'000);
    typeLocus(step, QStringLiteral("gene:OTHER"));
    QCOMPARE(view->range().chrom, std::string("chrB"));

    typeLocus(step, QStringLiteral("no-such-gene"));
    QVERIFY(step.message().contains(QStringLiteral("no-such-gene")));
    typeLocus(step, QStringLiteral("chrZ:1-100"));
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

    ProjectDocument none;
    TracksStep empty(&none);
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
    typeLocus(step, QStringLiteral("chrIV:100,001-100,600"));
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

    typeLocus(step, QStringLiteral("YDL247W"));
    QVERIFY(view->range().start <= 5984 && view->range().end >= 7814);
    QCOMPARE(view->range().chrom, std::string("chrIV"));

    const int prediction = view->findTrack(qpath(predictionPath));
    view->pairTracks(prediction, id, Normalizer::fit({"max"}, {std::span<const float>(chrIV)}));
    typeLocus(step, QStringLiteral("chrIV:200,001-210,000"));
    QTRY_VERIFY_WITH_TIMEOUT(!view->isLoading(), kWait);
    const double r = view->viewCorrelation(prediction);
    QVERIFY2(r > 0.8, qPrintable(QString::number(r)));
}

void TestTrackViewer::projectModelAndPredictHere()
{
    const auto projectPath = trainedDemo();
    const auto files = writeDemoData(m_dir.file("demo"));

    ProjectDocument doc;
    doc.load(qpath(projectPath));
    TracksStep step(&doc);      // opens the genome, the signal and the model by itself
    showSized(step, 1100, 600); // 600 bases one per pixel beside the track panel
    TrackView* view = step.view();
    QTRY_VERIFY_WITH_TIMEOUT(step.model()->isReady() && !view->isLoading(), kWait);
    QCOMPARE(view->genomePath(), QFileInfo(qpath(files.fasta)).absoluteFilePath());
    const int experiment = view->findTrack(qpath(files.signal));
    QVERIFY(experiment >= 0);
    QCOMPARE(view->track(experiment)->origin, TrackOrigin::Project);

    typeLocus(step, QStringLiteral("chr1:10,001-10,600"));
    QSignalSpy predicted(step.model(), &ModelSession::regionPredicted);
    auto* predictHere = widget<QPushButton>(&step, "predictHere");
    QVERIFY(predictHere->isEnabled());
    QTest::mouseClick(predictHere, Qt::LeftButton);
    QVERIFY(!predictHere->isEnabled()); // one prediction at a time
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
    QTRY_VERIFY_WITH_TIMEOUT(predictHere->isEnabled(), kWait);
    QTest::mouseClick(predictHere, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(predicted.count() == 2, kWait);
    QCOMPARE(view->trackIds().size(), tracks);

    // Predict chromosome asks where to write; a prediction stopped with Cancel leaves no file.
    auto* predictChromosome = widget<QPushButton>(&step, "predictChromosome");
    typeLocus(step, QStringLiteral("chr3"));
    QCOMPARE(view->range().chrom, std::string("chr3"));
    const QString stopped = qpath(m_dir.file("stopped-chr3.bw"));
    bool answered = false;
    answerNextDialog(stopped, &answered);
    QTest::mouseClick(predictChromosome, Qt::LeftButton);
    QVERIFY(answered);
    auto* cancel = step.findChild<QPushButton*>(QStringLiteral("cancel"));
    QVERIFY(cancel && cancel->isVisible());
    QTest::mouseClick(cancel, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!step.model()->isBusy(), kWait);
    QCOMPARE(step.message(), QStringLiteral("Stopped."));
    QVERIFY(!QFile::exists(stopped));
    QVERIFY(!QFile::exists(ModelSession::chromosomeOutput(doc.modelArchivePath(), "chr3")));
    // The suggestion lies beside the archive whatever the FASTA names the chromosome.
    QCOMPARE(QFileInfo(ModelSession::chromosomeOutput(doc.modelArchivePath(), "x/../../y"))
                 .absolutePath(),
             QFileInfo(doc.modelArchivePath()).absolutePath());

    // Escape in the dialog predicts nothing.
    QTimer::singleShot(200, [] {
        if (QWidget* dialog = QApplication::activeModalWidget())
            QTest::keyClick(dialog, Qt::Key_Escape);
    });
    QTest::mouseClick(predictChromosome, Qt::LeftButton);
    QVERIFY(!step.model()->isBusy());

    // The whole chromosome goes to the bigWig chosen, and comes back as a track.
    typeLocus(step, QStringLiteral("chr4"));
    QSignalSpy chromosome(step.model(), &ModelSession::chromosomePredicted);
    const QString output = qpath(m_dir.file("chosen-chr4")); // ".bw" is added
    // What the progress bar reads as it moves: the prediction, then the zoom levels' pass.
    auto* bar = step.findChild<QProgressBar*>();
    QStringList read;
    const auto reading = connect(bar, &QProgressBar::valueChanged, [&] {
        if (read.isEmpty() || read.back() != bar->format())
            read << bar->format();
    });
    answerNextDialog(output, &answered);
    QTest::mouseClick(predictChromosome, Qt::LeftButton);
    QVERIFY(answered);
    QTRY_VERIFY_WITH_TIMEOUT(chromosome.count() == 1, 60'000);
    disconnect(reading);
    QVERIFY(QFile::exists(output + QStringLiteral(".bw")));
    QVERIFY2(read.size() >= 2 && read.front().startsWith(QStringLiteral("Predicting chr4")) &&
                 read.back() == QStringLiteral("Writing the zoom levels of chosen-chr4.bw %p%"),
             qPrintable(read.join(QStringLiteral(" | "))));
    QVERIFY2(step.message().contains(QStringLiteral("chosen-chr4.bw")), qPrintable(step.message()));
    QTRY_VERIFY_WITH_TIMEOUT(
        view->findTrack(output + QStringLiteral(".bw")) >= 0 && !view->isLoading(), kWait);
}

void TestTrackViewer::progressStaysUntilTheNewerTaskEnds()
{
    const auto opened = openTrainedDemo();
    QVERIFY(opened);
    auto& [doc, step] = *opened;
    QTRY_VERIFY_WITH_TIMEOUT(step.model()->isReady() && !step.view()->isLoading(), kWait);
    auto* progress = step.findChild<QProgressBar*>();
    QVERIFY(progress);

    // A whole chromosome under way...
    typeLocus(step, QStringLiteral("chr3"));
    bool answered = false;
    answerNextDialog(qpath(m_dir.file("superseded-chr3.bw")), &answered);
    QTest::mouseClick(widget<QPushButton>(&step, "predictChromosome"), Qt::LeftButton);
    QVERIFY(answered);
    QVERIFY(progress->isVisible());

    // ...when the project is opened again (File > Open): its model loads anew, and the
    // superseded prediction's end must not hide the progress or free "Predict here".
    QSignalSpy loaded(step.model(), &ModelSession::loaded);
    doc.load(qpath(trainedDemo()));
    auto* predictHere = widget<QPushButton>(&step, "predictHere");
    bool shownThroughout = true;
    QElapsedTimer clock;
    clock.start();
    while (loaded.isEmpty() && clock.elapsed() < kWait) {
        if (!progress->isVisible() || predictHere->isEnabled())
            shownThroughout = false;
        QTest::qWait(1);
    }
    QCOMPARE(loaded.count(), 1);
    QVERIFY2(shownThroughout, "an older task's end hid the progress while the newer one ran");
    QTRY_VERIFY_WITH_TIMEOUT(!progress->isVisible() && predictHere->isEnabled(), kWait);
}

std::filesystem::path TestTrackViewer::trainedDemo()
{
    if (!m_demoProject.empty())
        return m_demoProject;
    const auto files = writeDemoData(m_dir.file("demo"));
    Project project = writeDemoProject(files);
    project.training.epochs = 1;
    project.training.steps_per_epoch = 5;
    project.training.validation_steps = 1;
    const auto path = files.fasta.parent_path() / "demo.kdna.json";
    project.save(path);
    const TrainOutcome trained = trainProject(project);
    if (std::filesystem::exists(trained.archive))
        m_demoProject = path;
    return m_demoProject;
}

std::unique_ptr<OpenProject> TestTrackViewer::openTrainedDemo()
{
    const auto path = trainedDemo();
    return path.empty() ? nullptr : std::make_unique<OpenProject>(path);
}

std::filesystem::path TestTrackViewer::fixtureProject(const std::string& name)
{
    // The demo's model and settings (writeDemoProject also saves demo.kdna.json beside its
    // data: another folder than trainedDemo()'s), on the fixture genome and signal.
    Project p = writeDemoProject(writeDemoData(m_dir.file("fixture-demo")));
    DatasetSpec spec = primary(p.dataset);
    spec.fasta_file = m_fasta.string();
    spec.annotation_files = {m_signal.string()};
    spec.incl_chromosomes = {"chrA"};
    p.dataset = spec;
    p.training.validation_chr.clear();
    p.test_chr.clear();
    p.output = name + ".kdna";
    const auto path = m_dir.file(name + ".kdna.json");
    p.save(path);
    return path;
}

void TestTrackViewer::locusBoxFollowsZoomAndPan()
{
    ProjectDocument doc;
    TracksStep step(&doc);
    TrackView* view = openFixture(step, 1000, 700);
    typeLocus(step, QStringLiteral("a:20,001-30,000")); // 'A' for 'chrA', as the engine allows
    QCOMPARE(view->range(), (GenomicRange{"chrA", 20'000, 30'000}));
    QCOMPARE(locusBox(step), QStringLiteral("chrA:20,001-30,000")); // 1-based, as IGV writes

    // The wheel zooms while the box still has the focus: the box follows.
    const int dataLeft = TrackView::kGutterWidth;
    const QPoint middle(dataLeft + (view->width() - dataLeft - 10) / 2,
                        TrackView::kRulerHeight + 30);
    QWheelEvent wheel(middle, view->mapToGlobal(middle), QPoint(), QPoint(0, 240), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(view, &wheel);
    QVERIFY(view->range().length() < 10'000);
    QCOMPARE(locusBox(step), formatLocus(view->range()));

    // Keys, after a click on the tracks.
    QTest::mouseClick(view, Qt::LeftButton, {}, middle);
    QTest::keyClick(view, Qt::Key_Minus);
    QCOMPARE(locusBox(step), formatLocus(view->range()));
    QTest::keyClick(view, Qt::Key_Plus);
    QTest::keyClick(view, Qt::Key_Right);
    QCOMPARE(locusBox(step), formatLocus(view->range()));

    // A drag pans.
    const QString before = locusBox(step);
    QTest::mousePress(view, Qt::LeftButton, {}, middle);
    QMouseEvent move(QEvent::MouseMove, middle - QPoint(120, 0),
                     view->mapToGlobal(middle - QPoint(120, 0)), Qt::NoButton, Qt::LeftButton,
                     Qt::NoModifier);
    QApplication::sendEvent(view, &move);
    QTest::mouseRelease(view, Qt::LeftButton, {}, middle - QPoint(120, 0));
    QVERIFY(locusBox(step) != before);
    QCOMPARE(locusBox(step), formatLocus(view->range()));

    // A whole chromosome reads from its first base.
    QTest::keyClick(view, Qt::Key_Home);
    QCOMPARE(locusBox(step), QStringLiteral("chrA:1-60,000"));

    // While the user types, the box is theirs.
    auto* box = widget<QLineEdit>(&step, "locus");
    QTest::mouseClick(box, Qt::LeftButton);
    QTest::keyClick(box, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(box, QStringLiteral("chrA:5"));
    QApplication::sendEvent(view, &wheel);
    QCOMPARE(box->text(), QStringLiteral("chrA:5"));
}

void TestTrackViewer::statusLineAndLaneShowOneCorrelation()
{
    const auto opened = openTrainedDemo();
    QVERIFY(opened);
    auto& [doc, step] = *opened;
    TrackView* view = step.view();
    QTRY_VERIFY_WITH_TIMEOUT(step.model()->isReady() && !view->isLoading(), kWait);

    // 4 kb in 840 pixels: the lane paints a mean per pixel, the r stays per base.
    typeLocus(step, QStringLiteral("chr1:10,001-14,000"));
    QTest::mouseClick(widget<QPushButton>(&step, "predictHere"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!rIn(step.message()).isEmpty(), kWait);
    QVERIFY2(step.message().contains(QStringLiteral("per base")), qPrintable(step.message()));
    int prediction = -1;
    for (const int id : view->trackIds())
        if (view->track(id)->predicted)
            prediction = id;
    QVERIFY(prediction >= 0);
    QCOMPARE(view->paintedSamples(prediction).resolution, SignalSamples::Resolution::PerPixel);
    QTRY_VERIFY_WITH_TIMEOUT(!view->correlationLabel(prediction).isEmpty(), kWait);
    QCOMPARE(rIn(view->correlationLabel(prediction)), rIn(step.message()));

    // Another view, another r: the lane's is of what it shows.
    QTest::mouseClick(view, Qt::LeftButton, {}, QPoint(TrackView::kGutterWidth + 100, 80));
    QTest::keyClick(view, Qt::Key_Plus);
    QTRY_VERIFY_WITH_TIMEOUT(!view->correlationLabel(prediction).isEmpty(), kWait);
    QVERIFY(rIn(view->correlationLabel(prediction)) != rIn(step.message()));
}

void TestTrackViewer::openingAnotherProjectStartsOver()
{
    const auto first = trainedDemo();
    QVERIFY(!first.empty());
    const auto second = fixtureProject("second");

    // What a fresh step shows of the second project.
    QStringList freshFiles;
    QColor freshColor;
    {
        ProjectDocument doc;
        doc.load(qpath(second));
        TracksStep fresh(&doc);
        showSized(fresh, 1200, 700);
        QTRY_VERIFY_WITH_TIMEOUT(!fresh.view()->isLoading(), kWait);
        freshFiles = trackFiles(fresh.view());
        freshColor = fresh.view()->track(fresh.view()->findTrack(qpath(m_signal)))->style.color;
    }

    ProjectDocument doc;
    doc.load(qpath(first));
    TracksStep step(&doc);
    showSized(step, 1200, 700);
    TrackView* view = step.view();
    QTRY_VERIFY_WITH_TIMEOUT(step.model()->isReady() && !view->isLoading(), kWait);
    // A track of the user's, a colour changed, a locus.
    bool answered = false;
    answerNextDialog(qpath(m_prediction), &answered);
    QTest::mouseClick(widget<QPushButton>(&step, "addTracks"), Qt::LeftButton);
    QVERIFY(answered);
    QVERIFY(view->findTrack(qpath(m_prediction)) >= 0);
    selectInPanel(step, QStringLiteral("demo_signal"));
    answerNextDialog(QStringLiteral("#123456"), &answered);
    QTest::mouseClick(widget<QPushButton>(&step, "trackColor"), Qt::LeftButton);
    QVERIFY(answered);
    typeLocus(step, QStringLiteral("chr2:1,001-2,000"));

    doc.load(qpath(second)); // File > Open, as the main window does it
    QTRY_VERIFY_WITH_TIMEOUT(!view->isLoading(), kWait);
    QCOMPARE(trackFiles(view), freshFiles);
    QCOMPARE(view->track(view->findTrack(qpath(m_signal)))->style.color, freshColor);
    QVERIFY(!step.model()->isReady()); // the second project has no model
    QCOMPARE(view->range().chrom, std::string("chrA"));
    QVERIFY(!view->canGoBack());
    QVERIFY(locusBox(step).startsWith(QStringLiteral("chrA:")));
}

void TestTrackViewer::projectFileKeepsTheViewerSession()
{
    const auto path = fixtureProject("session");
    QStringList files;
    {
        ProjectDocument doc;
        doc.load(qpath(path));
        TracksStep step(&doc);
        showSized(step, 1200, 700);
        TrackView* view = step.view();
        QTRY_VERIFY_WITH_TIMEOUT(!view->isLoading(), kWait);
        bool answered = false;
        answerNextDialog(qpath(m_genes), &answered);
        QTest::mouseClick(widget<QPushButton>(&step, "addTracks"), Qt::LeftButton);
        QVERIFY(answered);
        QTRY_VERIFY_WITH_TIMEOUT(!view->isLoading(), kWait);
        QCOMPARE(trackFiles(view),
                 (QStringList{QStringLiteral("genome.fa"), QStringLiteral("signal.bw"),
                              QStringLiteral("genes.gff3")}));
        // The genes one lane up, the signal in another colour, a locus typed.
        selectInPanel(step, QStringLiteral("genes"));
        QTest::mouseClick(widget<QPushButton>(&step, "trackUp"), Qt::LeftButton);
        selectInPanel(step, QStringLiteral("signal"));
        answerNextDialog(QStringLiteral("#b03040"), &answered);
        QTest::mouseClick(widget<QPushButton>(&step, "trackColor"), Qt::LeftButton);
        QVERIFY(answered);
        auto* overlay = widget<QCheckBox>(&step, "overlay");
        QTest::mouseClick(overlay, Qt::LeftButton, {}, QPoint(8, overlay->height() / 2));
        QVERIFY(!overlay->isChecked());
        typeLocus(step, QStringLiteral("chrA:20,001-24,000"));
        files = trackFiles(view);
        QCOMPARE(files, (QStringList{QStringLiteral("genome.fa"), QStringLiteral("genes.gff3"),
                                     QStringLiteral("signal.bw")}));
        doc.save(qpath(path)); // File > Save
    }
    const Project saved = Project::load(path);
    QVERIFY(saved.viewer);
    QCOMPARE(saved.viewer->locus, std::string("chrA:20,001-24,000"));
    QCOMPARE(saved.viewer->tracks.size(), std::size_t{3});
    QCOMPARE(saved.viewer->tracks[2].file, std::string("signal.bw")); // beside the project

    ProjectDocument doc;
    doc.load(qpath(path)); // File > Open
    TracksStep step(&doc);
    showSized(step, 1200, 700);
    TrackView* view = step.view();
    QTRY_COMPARE_WITH_TIMEOUT(locusBox(step), QStringLiteral("chrA:20,001-24,000"), kWait);
    QCOMPARE(view->range(), (GenomicRange{"chrA", 20'000, 24'000}));
    QCOMPARE(trackFiles(view), files);
    QCOMPARE(view->track(view->findTrack(qpath(m_signal)))->style.color, QColor(0xb0, 0x30, 0x40));
    QVERIFY(!widget<QCheckBox>(&step, "overlay")->isChecked());
    QVERIFY(!view->overlay());
}

QTEST_MAIN(TestTrackViewer)
#include "test_track_viewer.moc"
