// The Tracks step's model side: loading a model, its predictions, its explanations and the
// variant lanes (tracks_step.cpp has the step's layout, files and navigation).

#include "core/tracks/file_kind.h"
#include "ui/bridge/background_task.h"
#include "ui/bridge/project_document.h"
#include "ui/bridge/qt_convert.h"
#include "ui/style/colors.h"
#include "ui/tracks/model_session.h"
#include "ui/tracks/track_panel.h"
#include "ui/tracks/track_source.h"
#include "ui/tracks/track_view.h"
#include "ui/tracks/tracks_step.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
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

/// The most of a chromosome showPrediction() predicts: all of a yeast chromosome, a region of
/// a human one that the viewer's region path predicts in seconds.
constexpr std::int64_t kShownPredictionSpan = 1'000'000;

} // namespace

// ---- the model ----------------------------------------------------------------------------------

void TracksStep::showModel(const QString& archivePath)
{
    if (!QFileInfo(archivePath).isFile()) {
        showMessage(tr("%1: no such model file.").arg(archivePath), true);
        return;
    }
    m_pendingPrediction.clear();
    m_regionTracks.clear();
    m_attributionTrack = m_heatmapTrack = -1;
    m_model->load(archivePath, m_doc ? m_doc->dataDir() : QString());
    showProgress(tr("Loading the model"));
    m_cancel->hide(); // reading an archive cannot stop halfway
    showMessage(tr("Loading the model %1...").arg(QFileInfo(archivePath).fileName()));
    updateActions();
}

void TracksStep::showPrediction(const QString& archivePath, const QString& chromosome)
{
    const bool loaded =
        m_model->isReady() && QFileInfo(archivePath).canonicalFilePath() ==
                                  QFileInfo(m_model->archivePath()).canonicalFilePath();
    if (!loaded)
        showModel(archivePath);
    m_pendingPrediction = chromosome;
    predictPending();
}

void TracksStep::predictPending()
{
    if (m_pendingPrediction.isEmpty() || !m_model->isReady() || m_model->isBusy())
        return;
    const auto found = m_view->findChromosome(ss(m_pendingPrediction));
    if (!found) {
        if (!m_view->genomePath().isEmpty() && m_view->isLoading())
            return; // the genome is still opening: its chromosomes come with chromosomesChanged
        showMessage(
            tr("The test chromosome %1 is not in the genome shown.").arg(m_pendingPrediction),
            true);
        m_pendingPrediction.clear();
        return;
    }
    m_pendingPrediction.clear();
    const std::int64_t span = std::min(found->length, kShownPredictionSpan);
    const std::int64_t start = (found->length - span) / 2;
    if (m_view->showRange({found->name, start, start + span}))
        predictHere();
}

void TracksStep::modelLoaded()
{
    m_view->setGenome(m_model->genomePath());
    // The experiments the model learned from, so its predictions have something to meet.
    for (const QString& experiment : m_model->experimentPaths())
        if (!experiment.isEmpty() && m_view->findTrack(experiment) < 0)
            m_view->addFile(experiment, TrackOrigin::Model);
    showMessage(tr("Model %1 ready: \"Predict here\" predicts the visible region, \"Explain "
                   "here\" shows which of its bases make the prediction.")
                    .arg(QFileInfo(m_model->archivePath()).fileName()));
    updateActions();
    predictPending();
}

bool TracksStep::predictHere()
{
    const GenomicRange range = m_view->range();
    BackgroundTask* task =
        m_model->isReady() && range.isValid() ? m_model->predictRegion(range) : nullptr;
    if (task)
        showProgress(tr("Predicting %1").arg(formatLocus(range)));
    return task != nullptr;
}

bool TracksStep::predictChromosome()
{
    const std::string chrom = m_view->range().chrom;
    if (!m_model->isReady() || m_model->isBusy() || chrom.empty())
        return false;
    const std::string modelChrom = m_model->chromosomeFor(chrom);
    const QString suggested = ModelSession::chromosomeOutput(
        m_model->archivePath(), modelChrom.empty() ? chrom : modelChrom);
    QString output =
        QFileDialog::getSaveFileName(this, tr("Save the prediction of %1").arg(qs(chrom)),
                                     suggested, tr("bigWig (*.bw *.bigWig *.bigwig)"));
    if (output.isEmpty())
        return false;
    if (QFileInfo(output).suffix().isEmpty())
        output += QStringLiteral(".bw");
    BackgroundTask* task = m_model->predictChromosome(chrom, output);
    if (task) {
        showProgress(tr("Predicting %1").arg(qs(chrom)));
        showMessage(tr("Predicting all of %1; the prediction goes to %2.")
                        .arg(qs(chrom), QFileInfo(output).fileName()));
    }
    return task != nullptr;
}

QString TracksStep::experimentName(int modelTrack) const
{
    const QString experiment = m_model->experimentPaths().value(modelTrack);
    return experiment.isEmpty() ? QString() : QFileInfo(experiment).completeBaseName();
}

QString TracksStep::predictionName(int modelTrack) const
{
    const QString experiment = experimentName(modelTrack);
    return experiment.isEmpty() ? tr("predicted %1").arg(m_model->trackNames().value(modelTrack))
                                : tr("%1 predicted").arg(experiment);
}

void TracksStep::pairWithExperiment(int predictionTrack, int modelTrack)
{
    const QString experiment = m_model->experimentPaths().value(modelTrack);
    const int experimentTrack = experiment.isEmpty() ? -1 : m_view->findTrack(experiment);
    if (experimentTrack >= 0 &&
        static_cast<std::size_t>(modelTrack) < m_model->normalizers().size())
        m_view->pairTracks(predictionTrack, experimentTrack,
                           m_model->normalizers()[static_cast<std::size_t>(modelTrack)]);
}

QString TracksStep::withOutputNotes(const QString& text) const
{
    QString out = text;
    for (const QString& note : m_model->outputNotes())
        out += QLatin1Char(' ') + note.left(1).toUpper() + note.mid(1) + QLatin1Char('.');
    return out;
}

void TracksStep::regionPredicted(const RegionPrediction& prediction)
{
    std::int64_t length = prediction.chromLength;
    for (const Chromosome& c : m_view->chromosomes())
        if (c.name == prediction.range.chrom)
            length = c.length;
    QStringList correlations;
    m_regionTracks.resize(prediction.values.size(), -1);
    for (std::size_t k = 0; k < prediction.values.size(); ++k) {
        auto source = std::make_shared<const MemorySignalSource>(
            Chromosome{prediction.range.chrom, length}, prediction.range.start,
            prediction.values[k]);
        int& id = m_regionTracks[k];
        if (m_view->track(id)) {
            m_view->replaceSource(id, std::move(source));
        } else {
            const QString name = predictionName(static_cast<int>(k));
            id = m_view->addSignal(std::move(source), {name, QColor(), 70, true, 0, 1},
                                   TrackOrigin::Model, true);
        }
        pairWithExperiment(id, static_cast<int>(k));
        if (const QString r = formatCorrelation(prediction.correlations[k]); !r.isEmpty())
            correlations << tr("r = %1 with %2").arg(r, experimentName(static_cast<int>(k)));
    }
    const QString method = prediction.method == QStringLiteral("whole-sequence")
                               ? tr("the whole-sequence inference")
                               : tr("windows (%1)").arg(prediction.reason);
    QString text = tr("Predicted %1 with %2 in %3 s.")
                       .arg(formatLocus(prediction.range), method,
                            QString::number(prediction.seconds, 'f', 1));
    if (!correlations.isEmpty())
        text += QLatin1Char(' ') + correlations.join(QStringLiteral(", ")) +
                tr(" per base, the experiment normalised as the model's targets.");
    showMessage(withOutputNotes(text));
}

void TracksStep::chromosomePredicted(const QStringList& files, const QString& method,
                                     double seconds)
{
    for (int k = 0; k < files.size(); ++k) {
        // The file was rewritten: its old track (and cached tiles) must go.
        if (const int old = m_view->findTrack(files[k]); old >= 0)
            m_view->removeTrack(old);
        QString error;
        const int id = m_view->addFile(files[k], TrackOrigin::Model, &error);
        if (id < 0) {
            showMessage(error, true);
            return;
        }
        TrackStyle style = m_view->track(id)->style;
        style.name = predictionName(k) + QStringLiteral(" (%1)").arg(qs(m_view->range().chrom));
        style.color = colors::prediction();
        m_view->setStyle(id, style);
        pairWithExperiment(id, k);
    }
    showMessage(withOutputNotes(
        tr("Predicted %1 (%2 inference, %3 s) into %4.")
            .arg(qs(m_view->range().chrom), method, QString::number(seconds, 'f', 1),
                 files.size() == 1 ? QFileInfo(files.value(0)).fileName()
                                   : tr("%n files", nullptr, static_cast<int>(files.size())))));
}

// ---- explanations and variants ------------------------------------------------------------------

bool TracksStep::explainHere()
{
    const GenomicRange range = m_view->range();
    if (!m_model->isReady() || !range.isValid())
        return false;
    const auto method = static_cast<ExplainMethod>(m_explainMethod->currentData().toInt());
    BackgroundTask* task = m_model->explainRegion(range, method);
    if (task) {
        showProgress(tr("Explaining"));
        showMessage(tr("Explaining %1 with %2...").arg(formatLocus(range), methodLabel(method)));
        updateActions(); // stays enabled: a newer request replaces this one
    }
    return task != nullptr;
}

int TracksStep::showExplanation(int id, TrackKind kind, const std::shared_ptr<const Explanation>& e,
                                const QString& name, int height)
{
    if (const Track* t = m_view->track(id)) {
        TrackStyle style = t->style;
        style.name = name;
        m_view->setStyle(id, style);
        m_view->replaceExplanation(id, e);
        return id;
    }
    return m_view->addExplanation(kind, e,
                                  {name, colors::attributionPositive(), height, true, 0, 1});
}

void TracksStep::explained(const std::shared_ptr<const Explanation>& e)
{
    m_attributionTrack = showExplanation(m_attributionTrack, TrackKind::Attribution, e,
                                         tr("%1 of %2").arg(methodLabel(e->method), e->target), 90);
    if (e->method == ExplainMethod::Ism)
        m_heatmapTrack = showExplanation(m_heatmapTrack, TrackKind::Heatmap, e,
                                         tr("ISM heatmap of %1").arg(e->target), 72);
    QString text = tr("Explained %1 with %2 in %3 s (%4 of %5 bp), for the sum of %6.")
                       .arg(formatLocus({e->chrom, e->start, e->end()}), methodLabel(e->method),
                            QString::number(e->seconds, 'f', 2),
                            e->windows == 1 ? tr("1 window") : tr("%1 windows").arg(e->windows),
                            count(e->windowLength), e->target);
    if (!e->note.isEmpty())
        text += QLatin1Char(' ') + e->note;
    showMessage(text);
}

void TracksStep::addVariantFile(const QString& path)
{
    const QString name = QFileInfo(path).fileName();
    if (!m_model->isReady()) {
        showMessage(tr("%1 is a VCF: its variants are scored with the model, so train or open "
                       "a model first.")
                        .arg(name),
                    true);
        return;
    }
    if (m_model->isBusy()) {
        showMessage(tr("The model is busy: add %1 again once it is done.").arg(name), true);
        return;
    }
    int id = m_view->findTrack(path);
    if (id < 0)
        id = m_view->addVariants(path, {name, colors::feature(), 80, true, 0, 1});
    else
        m_view->setVariants(id, nullptr);
    if (m_model->scoreVariants(QFileInfo(path).absoluteFilePath())) {
        showProgress(tr("Scoring %1").arg(name));
        showMessage(tr("Scoring the variants of %1 with the model...").arg(name));
    }
}

void TracksStep::variantsScored(const QString& vcf,
                                const std::shared_ptr<const VariantMarks>& marks)
{
    const int id = m_view->findTrack(vcf);
    if (id < 0)
        return; // removed meanwhile
    m_view->setVariants(id, marks);
    const auto n = static_cast<qsizetype>(marks->marks.size());
    QString text = tr("Scored %1 of %2 in %3 s: the largest |alt \u2212 ref| of %4 is %5.")
                       .arg(n == 1 ? tr("1 variant") : tr("%1 variants").arg(n),
                            QFileInfo(vcf).fileName(), QString::number(marks->seconds, 'f', 1),
                            marks->target, QString::number(marks->largestEffect(), 'g', 3));
    if (!marks->skipped.isEmpty())
        text +=
            QLatin1Char(' ') +
            tr("%1 left out, the first: %2").arg(marks->skipped.size()).arg(marks->skipped.front());
    showMessage(text);
}

namespace {

/// "v200 (chr1:50,201 A>G)", or "the variant at ..." for an unnamed one.
QString variantName(const VariantMark& mark)
{
    const QString where =
        QStringLiteral("%1:%2 %3>%4").arg(qs(mark.chrom), count(mark.pos + 1), mark.ref, mark.alt);
    return mark.id == QStringLiteral(".") ? TracksStep::tr("the variant at %1").arg(where)
                                          : QStringLiteral("%1 (%2)").arg(mark.id, where);
}

} // namespace

void TracksStep::variantClicked(int track, const VariantMark& mark)
{
    const Track* lane = m_view->track(track);
    if (!lane)
        return;
    if (m_model->isBusy()) {
        showMessage(tr("The model is busy: click %1 again once it is done.").arg(variantName(mark)),
                    true);
        return;
    }
    if (m_model->predictVariantWindows(lane->path, mark)) {
        showProgress(tr("Predicting"));
        showMessage(tr("Predicting the windows that hold %1...").arg(variantName(mark)));
    }
}

void TracksStep::variantWindowsPredicted(const VariantWindowsPrediction& p)
{
    const std::optional<Chromosome> chrom = m_view->findChromosome(p.mark.chrom);
    if (!chrom || p.ref.empty())
        return;
    // One fixed scale for both lanes, so the allele's change reads as a height.
    const auto [lo, hi] = std::minmax({*std::min_element(p.ref.begin(), p.ref.end()),
                                       *std::max_element(p.ref.begin(), p.ref.end()),
                                       *std::min_element(p.alt.begin(), p.alt.end()),
                                       *std::max_element(p.alt.begin(), p.alt.end())});
    const QString label = p.mark.id == QStringLiteral(".") ? tr("variant") : p.mark.id;
    const auto show = [&](int& id, const std::vector<float>& values, const QString& name,
                          const QColor& color, bool autoscale) {
        auto source = std::make_shared<const MemorySignalSource>(*chrom, p.firstCentre, values);
        const TrackStyle style{name, color, 50, autoscale, lo, hi > lo ? hi : lo + 1};
        if (m_view->track(id)) {
            m_view->replaceSource(id, std::move(source));
            m_view->setStyle(id, style);
        } else {
            id = m_view->addSignal(std::move(source), style, TrackOrigin::Model, true);
        }
    };
    // The allele's change is small beside the values: a lane of its own shows where it acts.
    std::vector<float> change(p.ref.size());
    std::transform(p.alt.begin(), p.alt.end(), p.ref.begin(), change.begin(), std::minus<>());
    show(m_variantRefTrack, p.ref, tr("%1 ref windows").arg(label), colors::signal(0), false);
    show(m_variantAltTrack, p.alt, tr("%1 alt windows").arg(label), colors::prediction(), false);
    show(m_variantChangeTrack, change, tr("%1 alt \u2212 ref").arg(label), colors::feature(), true);
    const auto most = static_cast<std::size_t>(
        std::max_element(change.begin(), change.end(),
                         [](float a, float b) { return std::abs(a) < std::abs(b); }) -
        change.begin());
    const auto centre = p.firstCentre + static_cast<std::int64_t>(most);
    showMessage(tr("Predicted the %1 windows that hold %2 (%3, %4 s): alt \u2212 ref is "
                   "largest, %5, in the window centred at %6.")
                    .arg(count(static_cast<std::int64_t>(p.ref.size())), variantName(p.mark),
                         p.method, QString::number(p.seconds, 'f', 2),
                         QString::number(change[most], 'g', 4),
                         QStringLiteral("%1:%2").arg(qs(chrom->name), count(centre + 1))));
}

} // namespace kdna::ui
