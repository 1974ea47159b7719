// The navigation and input part of TrackView: where the view looks (clipped by its Viewport,
// recorded in its history) and the mouse, wheel and keys that move it. Data lives in
// track_view.cpp, reads in track_view_reading.cpp, painting in track_view_paint.cpp.
#include "ui/bridge/qt_convert.h"
#include "ui/tracks/track_painter.h"
#include "ui/tracks/track_view.h"

#include <algorithm>
#include <cmath>

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>

namespace kdna::ui {

// ---- navigation -------------------------------------------------------------------------------

GenomicRange TrackView::range() const
{
    return m_view.range();
}

void TrackView::setRange(const std::string& chrom, double start, double end, Record record)
{
    if (m_view.chromosomeLength(chrom) <= 0)
        return;
    const bool changed = m_view.moveTo(chrom, start, end);
    if (record == Record::Now)
        commitHistory();
    else if (record == Record::Later)
        m_historyTimer.start();
    if (changed) {
        requestTiles();
        update();
        Q_EMIT rangeChanged();
    }
}

void TrackView::commitHistory()
{
    m_historyTimer.stop();
    if (m_view.isEmpty())
        return;
    m_history.visit(range());
    Q_EMIT historyChanged();
}

bool TrackView::showRange(const GenomicRange& range)
{
    const std::string chrom = m_view.match(range.chrom);
    if (chrom.empty())
        return false;
    setRange(chrom, static_cast<double>(range.start), static_cast<double>(range.end), Record::Now);
    return true;
}

bool TrackView::showChromosome(const std::string& chrom)
{
    const auto found = findChromosome(chrom);
    return found && showRange({found->name, 0, found->length});
}

std::optional<Chromosome> TrackView::findChromosome(const std::string& chrom) const
{
    const std::string name = m_view.match(chrom);
    if (name.empty())
        return std::nullopt;
    return Chromosome{name, m_view.chromosomeLength(name)};
}

bool TrackView::navigate(const QString& text, QString* error)
{
    const auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return false;
    };
    const QString wanted = text.trimmed();
    if (wanted.isEmpty())
        return fail(tr("Type a locus such as chrIV:100,000-120,000, or a gene name."));
    if (m_view.chromosomes().empty())
        return fail(tr("No genome or track is open yet."));
    const auto parsed = parseLocusText(wanted);
    if (parsed && !m_view.match(parsed->chrom).empty()) {
        QString why;
        const auto r = resolveLocus(*parsed, m_view.chromosomes(), &why);
        return r ? showRange(*r) : fail(why);
    }
    if (const auto feature = findFeature(wanted)) {
        // A little flank either side, as IGV frames a gene.
        const std::int64_t flank = std::max<std::int64_t>(20, feature->length() / 10);
        if (showRange({feature->chrom, feature->start - flank, feature->end + flank}))
            return true;
        return fail(
            tr("%1 lies on %2, which the genome does not have.").arg(wanted, qs(feature->chrom)));
    }
    if (parsed && parsed->first) {
        QString why;
        (void)resolveLocus(*parsed, m_view.chromosomes(), &why);
        return fail(why);
    }
    if (m_tracks.anyLoading())
        return fail(tr("'%1' is not a chromosome, and the feature files are still being read; "
                       "try again in a moment.")
                        .arg(wanted));
    return fail(tr("'%1' is neither a locus (such as %2:1,000-2,000) nor the name of a feature "
                   "in the feature tracks.")
                    .arg(wanted, qs(m_view.chromosomes().front().name)));
}

std::optional<GenomicRange> TrackView::findFeature(const QString& name) const
{
    auto r = m_tracks.findFeature(name);
    if (r)
        if (const std::string chrom = m_view.match(r->chrom); !chrom.empty())
            r->chrom = chrom;
    return r;
}

QStringList TrackView::featureNames() const
{
    return m_tracks.featureNames();
}

void TrackView::zoomBy(double factor, std::optional<double> anchor)
{
    if (m_view.isEmpty() || factor <= 0)
        return;
    const double a = anchor.value_or(0.5 * (m_view.start() + m_view.end()));
    const double start = a - (a - m_view.start()) / factor;
    setRange(m_view.chrom(), start, start + m_view.span() / factor, Record::Later);
}

void TrackView::panBy(double fraction)
{
    if (m_view.isEmpty())
        return;
    const double shift = fraction * m_view.span();
    setRange(m_view.chrom(), m_view.start() + shift, m_view.end() + shift, Record::Later);
}

void TrackView::goBack()
{
    if (m_historyTimer.isActive())
        commitHistory();
    if (const auto r = m_history.back()) {
        setRange(r->chrom, static_cast<double>(r->start), static_cast<double>(r->end),
                 Record::Never);
        Q_EMIT historyChanged();
    }
}

void TrackView::goForward()
{
    if (const auto r = m_history.forward()) {
        setRange(r->chrom, static_cast<double>(r->start), static_cast<double>(r->end),
                 Record::Never);
        Q_EMIT historyChanged();
    }
}

// ---- events -------------------------------------------------------------------------------------

void TrackView::paintEvent(QPaintEvent* /*event*/)
{
    requestTiles(); // cheap when the tiles are cached or on their way
    QPainter painter(this);
    render(painter, size());
}

void TrackView::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    requestTiles();
}

void TrackView::mousePressEvent(QMouseEvent* event)
{
    setFocus(Qt::MouseFocusReason);
    const ViewFrame f = frame();
    const QPointF at = event->position();
    if (event->button() != Qt::LeftButton || !f.isValid() || at.x() < f.left) {
        QWidget::mousePressEvent(event);
        return;
    }
    if (at.y() < kRulerHeight) {
        const QRectF strip = paint::overviewStrip(f, QRectF(f.left, 0, f.width, kRulerHeight));
        if (strip.adjusted(0, -3, 0, 3).contains(at)) {
            // The overview maps the whole chromosome: recentre there.
            const double centre = (at.x() - f.left) / f.width * static_cast<double>(f.chromLength);
            const double half = 0.5 * m_view.span();
            setRange(m_view.chrom(), centre - half, centre + half, Record::Now);
            return;
        }
        m_drag = Drag::Select;
        m_selectFrom = m_selectTo = f.posAt(at.x());
        update();
        return;
    }
    if (const auto lane = laneAt(static_cast<int>(at.y()))) {
        const Track& owner = m_tracks[lane->tracks.front()];
        if (owner.kind == TrackKind::Variants)
            if (const VariantMark* mark = variantAt(owner, at.x())) {
                Q_EMIT variantClicked(owner.id, *mark);
                return;
            }
    }
    m_drag = Drag::Pan;
    m_pressX = at.x();
    m_pressStart = m_view.start();
    setCursor(Qt::ClosedHandCursor);
}

void TrackView::mouseMoveEvent(QMouseEvent* event)
{
    const ViewFrame f = frame();
    const double x = event->position().x();
    if (m_drag == Drag::Pan) {
        const double start = m_pressStart + (m_pressX - x) * f.bpPerPixel();
        setRange(m_view.chrom(), start, start + m_view.span(), Record::Never);
    } else if (m_drag == Drag::Select) {
        m_selectTo = f.posAt(std::clamp(x, f.left, f.left + f.width));
        update();
    }
}

void TrackView::mouseReleaseEvent(QMouseEvent* /*event*/)
{
    const ViewFrame f = frame();
    if (m_drag == Drag::Pan) {
        unsetCursor();
        commitHistory();
    } else if (m_drag == Drag::Select) {
        const double a = std::min(m_selectFrom, m_selectTo);
        const double b = std::max(m_selectFrom, m_selectTo);
        if ((b - a) / f.bpPerPixel() >= 3) {
            setRange(m_view.chrom(), a, b, Record::Now);
        } else {
            // A click on the ruler recentres there (IGV does the same).
            const double half = 0.5 * m_view.span();
            setRange(m_view.chrom(), a - half, a + half, Record::Now);
        }
    }
    m_drag = Drag::None;
    update();
}

void TrackView::mouseDoubleClickEvent(QMouseEvent* event)
{
    const ViewFrame f = frame();
    if (!f.isValid() || event->position().x() < f.left || event->position().y() < kRulerHeight)
        return;
    zoomBy(2.0, f.posAt(event->position().x()));
    commitHistory();
}

void TrackView::wheelEvent(QWheelEvent* event)
{
    const ViewFrame f = frame();
    if (!f.isValid()) {
        event->ignore();
        return;
    }
    const QPoint delta = event->angleDelta();
    if (std::abs(delta.x()) > std::abs(delta.y())) {
        panBy(-delta.x() / 120.0 * 0.1);
    } else if (event->position().x() < f.left) {
        // Over the track names the wheel scrolls the lanes (the scroll area takes it).
        event->ignore();
        return;
    } else if (delta.y() != 0) {
        // One notch zooms by sqrt(2): two notches halve or double the view.
        zoomBy(std::pow(2.0, delta.y() / 240.0), f.posAt(event->position().x()));
    }
    event->accept();
}

void TrackView::keyPressEvent(QKeyEvent* event)
{
    const bool alt = event->modifiers().testFlag(Qt::AltModifier);
    const double step = event->modifiers().testFlag(Qt::ShiftModifier) ? 0.8 : 0.15;
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        break;
    case Qt::Key_Minus:
    case Qt::Key_Underscore:
        zoomOut();
        break;
    case Qt::Key_Left:
        alt ? goBack() : panBy(-step);
        break;
    case Qt::Key_Right:
        alt ? goForward() : panBy(step);
        break;
    case Qt::Key_Home:
        showChromosome(m_view.chrom());
        break;
    case Qt::Key_Back:
        goBack();
        break;
    case Qt::Key_Forward:
        goForward();
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

bool TrackView::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto* help = static_cast<QHelpEvent*>(event);
        const QString text = tooltipAt(help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

} // namespace kdna::ui
