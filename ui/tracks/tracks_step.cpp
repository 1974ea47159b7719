#include "ui/tracks/tracks_step.h"

#include "core/tracks/file_kind.h"
#include "ui/bridge/background_task.h"
#include "ui/bridge/project_document.h"
#include "ui/bridge/qt_convert.h"
#include "ui/style/colors.h"
#include "ui/tracks/model_session.h"
#include "ui/tracks/track_panel.h"
#include "ui/tracks/track_source.h"
#include "ui/tracks/track_view.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStringListModel>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

namespace kdna::ui {
namespace {

QToolButton* toolButton(const QString& text, const QString& tip, const QIcon& icon = {})
{
    auto* b = new QToolButton;
    b->setText(text);
    b->setToolTip(tip);
    if (!icon.isNull()) {
        b->setIcon(icon);
        b->setAutoRaise(true); // icons read as buttons without a frame; words do not
    }
    return b;
}

} // namespace

TracksStep::TracksStep(ProjectDocument* document, QWidget* parent)
    : QWidget(parent)
    , m_doc(document)
    , m_view(new TrackView)
    , m_model(new ModelSession(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(buildToolbar());
    layout->addLayout(buildStatusBar());
    auto* splitter = new QSplitter(Qt::Horizontal);
    auto* scroll = new QScrollArea;
    scroll->setWidget(m_view);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::StyledPanel);
    splitter->addWidget(scroll);
    m_panel = new TrackPanel(m_view);
    splitter->addWidget(m_panel);
    splitter->setStretchFactor(0, 4);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({1200, 220});
    layout->addWidget(splitter, 1);
    connectView();
    connectModel();
    if (m_doc) {
        connect(m_doc, &ProjectDocument::reloaded, this, &TracksStep::openProject);
        connect(m_doc, &ProjectDocument::changed, this, [this](ProjectDocument::Section s) {
            if (s == ProjectDocument::Section::Dataset || s == ProjectDocument::Section::Evaluation)
                loadProject();
        });
        openProject();
    }
    updateActions();
}

QHBoxLayout* TracksStep::buildStatusBar()
{
    auto* status = new QHBoxLayout;
    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("message"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(220);
    m_progress->hide();
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setObjectName(QStringLiteral("cancel"));
    m_cancel->hide();
    status->addWidget(m_message, 1);
    status->addWidget(m_progress);
    status->addWidget(m_cancel);
    return status;
}

void TracksStep::connectView()
{
    connect(m_view, &TrackView::rangeChanged, this, &TracksStep::syncLocus);
    connect(m_view, &TrackView::chromosomesChanged, this, &TracksStep::syncChromosomes);
    connect(m_view, &TrackView::historyChanged, this, &TracksStep::updateActions);
    connect(m_view, &TrackView::problem, this, [this](const QString& m) { showMessage(m, true); });
    connect(m_view, &TrackView::featureNamesChanged, this, [this] {
        static_cast<QStringListModel*>(m_completer->model())->setStringList(m_view->featureNames());
    });
    connect(m_view, &TrackView::loadingChanged, this, [this](bool loading) {
        if (m_pendingSession && !m_view->isOpeningFiles()) {
            restoreSession();
            return;
        }
        if (loading || m_pendingLocus.isEmpty())
            return;
        const QString locus = std::exchange(m_pendingLocus, QString());
        navigate(locus);
    });
    connect(m_view, &TrackView::rangeChanged, this, &TracksStep::storeSession);
    connect(m_view, &TrackView::tracksChanged, this, &TracksStep::storeSession);
}

void TracksStep::connectModel()
{
    connect(m_cancel, &QPushButton::clicked, m_model, &ModelSession::cancel);
    connect(m_model, &ModelSession::loaded, this, &TracksStep::modelLoaded);
    connect(m_model, &ModelSession::busyChanged, this, &TracksStep::updateActions);
    // The model's one running task owns the progress: an older task's end cannot hide it.
    connect(m_model, &ModelSession::busyChanged, this, [this](bool busy) {
        m_progress->setVisible(busy);
        m_cancel->setVisible(busy);
    });
    connect(m_model, &ModelSession::progressed, this, [this](double f, const QString& phase) {
        if (!phase.isEmpty())
            m_progress->setFormat(phase + QStringLiteral(" %p%"));
        m_progress->setValue(static_cast<int>(f * 1000));
    });
    connect(m_model, &ModelSession::regionPredicted, this, &TracksStep::regionPredicted);
    connect(m_model, &ModelSession::chromosomePredicted, this, &TracksStep::chromosomePredicted);
    connect(m_model, &ModelSession::explained, this, &TracksStep::explained);
    connect(m_model, &ModelSession::variantsScored, this, &TracksStep::variantsScored);
    connect(m_model, &ModelSession::variantsFailed, this,
            [this](const QString& vcf, const QString& message) {
                m_view->setVariants(m_view->findTrack(vcf), nullptr, message);
            });
    connect(m_view, &TrackView::variantClicked, this, &TracksStep::variantClicked);
    connect(m_model, &ModelSession::variantWindowsPredicted, this,
            &TracksStep::variantWindowsPredicted);
    connect(m_model, &ModelSession::failed, this, [this](const QString& m) {
        // failed() comes before finished(), so the task that was cancelled is still known.
        showMessage(m_model->isStopping() ? tr("Stopped.") : m, true);
    });
}

TracksStep::~TracksStep() = default;

QVBoxLayout* TracksStep::buildToolbar()
{
    // Two rows, navigation over the actions: in one row they need 1184 px, more than a
    // 1024 px screen leaves beside the step list.
    auto* rows = new QVBoxLayout;
    auto* bar = new QHBoxLayout;
    auto* actions = new QHBoxLayout;
    rows->addLayout(bar);
    rows->addLayout(actions);
    m_back = toolButton(tr("Back"), tr("Back to the previous locus (Alt+Left)"),
                        style()->standardIcon(QStyle::SP_ArrowBack));
    m_forward = toolButton(tr("Forward"), tr("Forward to the next locus (Alt+Right)"),
                           style()->standardIcon(QStyle::SP_ArrowForward));
    m_chromosome = new QComboBox;
    m_chromosome->setObjectName(QStringLiteral("chromosome"));
    m_chromosome->setMinimumContentsLength(8);
    m_chromosome->setToolTip(tr("Show a whole chromosome"));
    m_locus = new QLineEdit;
    m_locus->setObjectName(QStringLiteral("locus"));
    m_locus->setPlaceholderText(tr("chrIV:100,000-120,000 or a gene name"));
    m_locus->setMinimumWidth(240);
    m_completer = new QCompleter(new QStringListModel(this), this);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setMaxVisibleItems(12);
    m_locus->setCompleter(m_completer);
    auto* go = new QPushButton(tr("Go"));
    auto* zoomOut = toolButton(QStringLiteral("\u2212"), tr("Zoom out (-, or the wheel)"));
    auto* zoomIn =
        toolButton(QStringLiteral("+"), tr("Zoom in (+, the wheel, or drag on the ruler)"));
    auto* whole = toolButton(tr("Whole"), tr("Show the whole chromosome (Home)"));
    auto* add = new QPushButton(tr("Add tracks..."));
    add->setObjectName(QStringLiteral("addTracks"));
    add->setToolTip(tr("bigWig, BED, narrowPeak or GFF files; a FASTA becomes the genome"));
    m_overlay = new QCheckBox(tr("Overlay predictions"));
    m_overlay->setObjectName(QStringLiteral("overlay"));
    m_overlay->setChecked(m_view->overlay());
    m_overlay->setToolTip(tr("Draw each prediction in its experiment's lane, the experiment "
                             "normalised as the model's targets were"));
    m_predictHere = new QPushButton(tr("Predict here"));
    m_predictHere->setObjectName(QStringLiteral("predictHere"));
    m_predictChromosome = new QPushButton(tr("Predict chromosome"));
    m_predictChromosome->setObjectName(QStringLiteral("predictChromosome"));
    buildExplainControls();
    auto* exportButton = new QPushButton(tr("Export..."));
    exportButton->setToolTip(tr("Save the view as a PNG image or an SVG drawing"));

    for (QWidget* w : std::initializer_list<QWidget*>{m_back, m_forward, m_chromosome, m_locus, go,
                                                      zoomOut, zoomIn, whole})
        bar->addWidget(w);
    bar->setStretchFactor(m_locus, 1);
    actions->addWidget(add);
    actions->addWidget(m_overlay);
    actions->addStretch(1);
    actions->addWidget(m_predictHere);
    actions->addWidget(m_explainHere);
    actions->addWidget(m_explainMethod);
    actions->addWidget(m_predictChromosome);
    actions->addWidget(exportButton);

    connect(m_back, &QToolButton::clicked, m_view, &TrackView::goBack);
    connect(m_forward, &QToolButton::clicked, m_view, &TrackView::goForward);
    connect(zoomIn, &QToolButton::clicked, m_view, &TrackView::zoomIn);
    connect(zoomOut, &QToolButton::clicked, m_view, &TrackView::zoomOut);
    connect(whole, &QToolButton::clicked, this,
            [this] { m_view->showChromosome(m_view->range().chrom); });
    connect(m_chromosome, &QComboBox::activated, this,
            [this] { m_view->showChromosome(ss(m_chromosome->currentText())); });
    connect(m_locus, &QLineEdit::returnPressed, this, [this] { navigate(m_locus->text()); });
    connect(go, &QPushButton::clicked, this, [this] { navigate(m_locus->text()); });
    connect(add, &QPushButton::clicked, this, &TracksStep::chooseTracks);
    connect(m_overlay, &QCheckBox::toggled, this, [this](bool on) {
        m_view->setOverlay(on);
        storeSession();
    });
    connect(m_predictHere, &QPushButton::clicked, this, &TracksStep::predictHere);
    connect(m_predictChromosome, &QPushButton::clicked, this, &TracksStep::predictChromosome);
    connect(exportButton, &QPushButton::clicked, this, &TracksStep::chooseExport);
    return rows;
}

void TracksStep::buildExplainControls()
{
    m_explainHere = new QPushButton(tr("Explain here"));
    m_explainHere->setObjectName(QStringLiteral("explainHere"));
    m_explainHere->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_explainMethod = new QComboBox;
    m_explainMethod->setObjectName(QStringLiteral("explainMethod"));
    for (const ExplainMethod m : {ExplainMethod::InputTimesGradient, ExplainMethod::Saliency,
                                  ExplainMethod::IntegratedGradients, ExplainMethod::Ism})
        m_explainMethod->addItem(methodLabel(m), static_cast<int>(m));
    m_explainMethod->setToolTip(tr("How \"Explain here\" scores the bases: gradients "
                                   "(input \u00d7 gradient, saliency, integrated gradients) or "
                                   "in-silico mutagenesis, every substitution run through the "
                                   "model (ISM, also drawn as a heatmap)"));
    connect(m_explainHere, &QPushButton::clicked, this, &TracksStep::explainHere);
}

// ---- project, files, navigation -------------------------------------------------------------

void TracksStep::openProject()
{
    // Read first: emptying the view would store its empty session over the saved one.
    m_pendingSession = m_doc ? m_doc->project().viewer : std::nullopt;
    m_pendingLocus.clear();
    m_regionTracks.clear();
    m_attributionTrack = m_heatmapTrack = -1;
    m_model->clear();
    m_view->clear();
    m_locus->clear();
    showMessage({});
    const bool overlay = m_pendingSession ? m_pendingSession->overlay : true;
    {
        const QSignalBlocker blocker(m_overlay);
        m_overlay->setChecked(overlay);
    }
    m_view->setOverlay(overlay);
    if (m_doc) {
        loadProject();
        if (m_pendingSession)
            addSessionTracks(*m_pendingSession);
    }
    if (m_pendingSession && !m_view->isOpeningFiles())
        restoreSession();
    updateActions();
}

QString TracksStep::sessionPath(const QString& path) const
{
    const QString base = m_doc ? qs(m_doc->project().base_dir.string()) : QString();
    if (base.isEmpty())
        return path;
    const QString relative = QDir(base).relativeFilePath(path);
    return relative.startsWith(QStringLiteral("..")) ? path : relative;
}

QString TracksStep::resolvedSessionPath(const std::string& file) const
{
    return m_doc ? qs(m_doc->project().resolve(file).string()) : qs(file);
}

ViewerSession TracksStep::session() const
{
    ViewerSession s;
    if (!m_view->range().chrom.empty())
        s.locus = ss(formatLocus(m_view->range()));
    s.overlay = m_view->overlay();
    for (const int id : m_view->trackIds()) {
        const Track* t = m_view->track(id);
        if (t->path.isEmpty() || t->kind == TrackKind::Variants)
            continue; // what the model computed is computed again, not saved
        ViewerTrack v;
        v.file = ss(sessionPath(t->path));
        v.name = ss(t->style.name);
        v.color = t->style.color.isValid() ? ss(t->style.color.name()) : std::string();
        v.height = t->style.height;
        v.autoscale = t->style.autoscale;
        v.min = t->style.minimum;
        v.max = t->style.maximum;
        s.tracks.push_back(std::move(v));
    }
    return s;
}

void TracksStep::storeSession()
{
    if (m_doc && !m_pendingSession)
        m_doc->setViewerSession(session());
}

void TracksStep::addSessionTracks(const ViewerSession& session)
{
    QStringList problems;
    for (const ViewerTrack& v : session.tracks) {
        const QString path = resolvedSessionPath(v.file);
        if (m_view->findTrack(path) >= 0 ||
            QFileInfo(path).absoluteFilePath() == m_view->genomePath())
            continue;
        QString error;
        if (m_view->addFile(path, TrackOrigin::User, &error) < 0)
            problems << error;
    }
    if (!problems.isEmpty())
        showMessage(tr("The saved view names tracks that cannot be opened: %1")
                        .arg(problems.join(QStringLiteral("; "))),
                    true);
}

void TracksStep::restoreSession()
{
    const ViewerSession session = *std::exchange(m_pendingSession, std::nullopt);
    std::vector<int> order;
    for (const ViewerTrack& v : session.tracks) {
        const QString path = QFileInfo(resolvedSessionPath(v.file)).absoluteFilePath();
        int id = m_view->findTrack(path);
        if (id < 0 && path == m_view->genomePath())
            for (const int t : m_view->trackIds())
                if (m_view->track(t)->kind == TrackKind::Sequence)
                    id = t;
        if (id < 0)
            continue;
        TrackStyle style = m_view->track(id)->style;
        if (!v.name.empty())
            style.name = qs(v.name);
        if (const QColor color(qs(v.color)); color.isValid())
            style.color = color;
        if (v.height > 0)
            style.height = v.height;
        style.autoscale = v.autoscale;
        style.minimum = v.min;
        style.maximum = v.max;
        m_view->setStyle(id, style);
        order.push_back(id);
    }
    m_view->setTrackOrder(order);
    if (!session.locus.empty())
        navigate(qs(session.locus));
    storeSession();
}

void TracksStep::loadProject()
{
    const Project& project = m_doc->project();
    const DatasetSpec& spec = primary(project.dataset);
    QStringList problems;
    if (!spec.fasta_file.empty()) {
        const QString fasta = qs(spec.resolve(spec.fasta_file).string());
        if (QFileInfo(fasta).isFile())
            m_view->setGenome(fasta);
        else
            problems << tr("The genome %1 is missing.").arg(fasta);
    }
    // The project's annotation files are its tracks: add the new ones, drop those it no
    // longer names, and leave the tracks the user added alone.
    QStringList wanted;
    for (const auto& file : spec.annotation_files)
        wanted << qs(spec.resolve(file).string());
    for (const int id : m_view->trackIds()) {
        const Track* t = m_view->track(id);
        const bool named = std::any_of(wanted.begin(), wanted.end(), [&](const QString& path) {
            return m_view->findTrack(path) == id;
        });
        if (t->origin == TrackOrigin::Project && !named)
            m_view->removeTrack(id);
    }
    for (const QString& path : wanted) {
        QString error;
        if (m_view->findTrack(path) < 0 && m_view->addFile(path, TrackOrigin::Project, &error) < 0)
            problems << error;
    }
    const QString archive = m_doc->modelArchivePath();
    if (!archive.isEmpty() && QFileInfo(archive).isFile() && archive != m_model->archivePath())
        showModel(archive);
    if (!problems.isEmpty())
        showMessage(problems.join(QLatin1Char('\n')), true);
}

void TracksStep::setGenome(const QString& fasta)
{
    m_view->setGenome(fasta);
}

void TracksStep::addTrack(const QString& path)
{
    if (isVariantFile(path)) {
        addVariantFile(path);
        return;
    }
    if (QFileInfo(path).isFile() && detectFileKind(ss(path)) == FileKind::Fasta) {
        setGenome(path);
        return;
    }
    QString error;
    if (m_view->findTrack(path) >= 0)
        showMessage(tr("%1 is already shown.").arg(QFileInfo(path).fileName()));
    else if (m_view->addFile(path, TrackOrigin::User, &error) < 0)
        showMessage(error, true);
}

bool TracksStep::navigate(const QString& locus)
{
    QString error;
    if (m_view->navigate(locus, &error)) {
        m_pendingLocus.clear();
        m_locus->setText(formatLocus(m_view->range())); // what was typed, as coordinates
        showMessage({});
        return true;
    }
    if (m_view->isOpeningFiles()) {
        // The genome or a feature file may still be opening: try again once they are open.
        m_pendingLocus = locus;
        showMessage(tr("Going to %1 once the files are open...").arg(locus.trimmed()));
        return true;
    }
    showMessage(error, true);
    return false;
}

void TracksStep::syncLocus()
{
    // The box follows every zoom and pan, unless the user is typing a locus into it.
    if (!m_locus->isModified())
        m_locus->setText(m_view->range().chrom.empty() ? QString() : formatLocus(m_view->range()));
    const int index = m_chromosome->findText(qs(m_view->range().chrom));
    if (index >= 0 && index != m_chromosome->currentIndex())
        m_chromosome->setCurrentIndex(index);
    updateActions();
}

void TracksStep::syncChromosomes()
{
    const QSignalBlocker blocker(m_chromosome);
    m_chromosome->clear();
    for (const Chromosome& c : m_view->chromosomes())
        m_chromosome->addItem(qs(c.name));
    syncLocus();
    predictPending();
}

void TracksStep::chooseTracks()
{
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Add tracks"), m_doc ? m_doc->dataDir() : QString(),
        tr("Tracks (*.bw *.bigWig *.bigwig *.bed *.narrowPeak *.gff *.gff3 *.gtf *.gz *.fa "
           "*.fasta *.fa.gz *.vcf *.vcf.gz *.bcf);;All files (*)"));
    for (const QString& file : files)
        addTrack(file);
}

void TracksStep::chooseExport()
{
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export the view"), QStringLiteral("tracks.png"),
                                     tr("PNG image (*.png);;SVG drawing (*.svg)"));
    if (path.isEmpty())
        return;
    QString error;
    if (m_view->exportImage(path, &error))
        showMessage(tr("Saved %1.").arg(QFileInfo(path).fileName()));
    else
        showMessage(error, true);
}

void TracksStep::showMessage(const QString& text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? colors::errorStyleSheet(palette()) : QString());
}

QString TracksStep::message() const
{
    return m_message->text();
}

void TracksStep::updateActions()
{
    m_back->setEnabled(m_view->canGoBack());
    m_forward->setEnabled(m_view->canGoForward());
    const bool ready = m_model->isReady() && !m_model->isBusy() && !m_view->range().chrom.empty();
    m_predictHere->setEnabled(ready);
    m_predictChromosome->setEnabled(ready);
    m_explainHere->setEnabled(m_model->isReady() && !m_view->range().chrom.empty() &&
                              (!m_model->isBusy() || m_model->isExplaining()));
    m_explainHere->setToolTip(
        m_model->isReady()
            ? tr("Per-base importance of the visible region for the model's first output, "
                 "drawn as a sequence logo (at most %1, ISM %2) (Ctrl+E)")
                  .arg(spanText(static_cast<double>(ModelSession::kExplainMaxSpan)),
                       spanText(static_cast<double>(ModelSession::kIsmMaxSpan)))
            : tr("Train a model, or open one, first"));
    const QString plan = m_model->inferencePlan();
    const QString how = plan.isEmpty() ? QString()
                        : plan == QStringLiteral("whole-sequence")
                            ? tr(" with the whole-sequence inference")
                            : tr(" window by window (%1)").arg(plan);
    m_predictHere->setToolTip(m_model->isReady() ? tr("Predict the visible region%1").arg(how)
                                                 : tr("Train a model, or open one, first"));
    m_predictChromosome->setToolTip(
        m_model->isReady()
            ? tr("Predict the whole chromosome%1 and save it as bigWig next to the model").arg(how)
            : tr("Train a model, or open one, first"));
}

void TracksStep::showProgress(const QString& text)
{
    m_progress->setFormat(text + QStringLiteral(" %p%")); // first: the bar never shows 0 % of
    m_progress->setValue(0);                              // the task before
}

} // namespace kdna::ui
