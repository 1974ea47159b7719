#include "ui/tracks/track_list.h"

#include <algorithm>
#include <iterator>

namespace kdna::ui {

int TrackList::insert(Track track, bool first)
{
    track.id = m_nextId++;
    const int id = track.id;
    m_tracks.insert(first ? m_tracks.begin() : m_tracks.end(), std::move(track));
    return id;
}

std::optional<TrackList::Removed> TrackList::remove(int id)
{
    const auto it =
        std::find_if(m_tracks.begin(), m_tracks.end(), [id](const Track& t) { return t.id == id; });
    if (it == m_tracks.end())
        return std::nullopt;
    Removed removed{it->kind, std::move(it->source)};
    m_tracks.erase(it);
    for (Track& t : m_tracks)
        if (t.overlayOn == id)
            t.overlayOn = -1;
    return removed;
}

bool TrackList::move(int id, int delta)
{
    const auto it =
        std::find_if(m_tracks.begin(), m_tracks.end(), [id](const Track& t) { return t.id == id; });
    if (it == m_tracks.end())
        return false;
    const auto from = it - m_tracks.begin();
    const auto to = std::clamp<std::ptrdiff_t>(from + delta, 0,
                                               static_cast<std::ptrdiff_t>(m_tracks.size()) - 1);
    if (from == to)
        return false;
    Track moved = std::move(*it);
    m_tracks.erase(it);
    m_tracks.insert(m_tracks.begin() + to, std::move(moved));
    return true;
}

void TrackList::setOrder(const std::vector<int>& ids)
{
    std::vector<Track> ordered;
    ordered.reserve(m_tracks.size());
    for (const int id : ids) {
        const auto it = std::find_if(m_tracks.begin(), m_tracks.end(),
                                     [id](const Track& t) { return t.id == id; });
        if (it != m_tracks.end()) {
            ordered.push_back(std::move(*it));
            m_tracks.erase(it);
        }
    }
    std::move(m_tracks.begin(), m_tracks.end(), std::back_inserter(ordered));
    m_tracks = std::move(ordered);
}

std::vector<int> TrackList::ids() const
{
    std::vector<int> ids;
    for (const Track& t : m_tracks)
        ids.push_back(t.id);
    return ids;
}

const Track* TrackList::find(int id) const
{
    const auto it =
        std::find_if(m_tracks.begin(), m_tracks.end(), [id](const Track& t) { return t.id == id; });
    return it == m_tracks.end() ? nullptr : &*it;
}

Track* TrackList::find(int id)
{
    return const_cast<Track*>(std::as_const(*this).find(id));
}

Track* TrackList::sequence()
{
    const auto it = std::find_if(m_tracks.begin(), m_tracks.end(),
                                 [](const Track& t) { return t.kind == TrackKind::Sequence; });
    return it == m_tracks.end() ? nullptr : &*it;
}

std::size_t TrackList::count(TrackKind kind) const
{
    return static_cast<std::size_t>(std::count_if(
        m_tracks.begin(), m_tracks.end(), [kind](const Track& t) { return t.kind == kind; }));
}

bool TrackList::anyLoading() const
{
    return std::any_of(m_tracks.begin(), m_tracks.end(), [](const Track& t) { return t.loading; });
}

const Track* TrackList::pairedExperiment(const Track& prediction) const
{
    if (!prediction.predicted || prediction.overlayOn < 0)
        return nullptr;
    const Track* e = find(prediction.overlayOn);
    return e && e->kind == TrackKind::Signal ? e : nullptr;
}

bool TrackList::hasPredictionOn(const Track& experiment) const
{
    return std::any_of(m_tracks.begin(), m_tracks.end(),
                       [&](const Track& t) { return t.predicted && t.overlayOn == experiment.id; });
}

std::vector<TrackLane> TrackList::lanes(bool overlay, int top, int gap) const
{
    std::vector<TrackLane> out;
    std::vector<int> laneOf(m_tracks.size(), -1);
    const auto overlaid = [this, overlay](const Track& t) {
        return overlay && pairedExperiment(t) != nullptr && !pairedExperiment(t)->predicted;
    };
    for (std::size_t i = 0; i < m_tracks.size(); ++i) {
        if (overlaid(m_tracks[i]))
            continue;
        laneOf[i] = static_cast<int>(out.size());
        out.push_back({{i}, 0, m_tracks[i].style.height});
    }
    for (std::size_t i = 0; i < m_tracks.size(); ++i) {
        if (!overlaid(m_tracks[i]))
            continue;
        const auto target = std::find_if(m_tracks.begin(), m_tracks.end(), [&](const Track& t) {
            return t.id == m_tracks[i].overlayOn;
        });
        out[static_cast<std::size_t>(laneOf[static_cast<std::size_t>(target - m_tracks.begin())])]
            .tracks.push_back(i);
    }
    int y = top + gap;
    for (TrackLane& lane : out) {
        lane.top = y;
        y += lane.height + gap;
    }
    return out;
}

std::vector<Chromosome> TrackList::chromosomes() const
{
    std::vector<Chromosome> list;
    const auto merge = [&list](const std::vector<Chromosome>& more) {
        for (const Chromosome& c : more) {
            const auto it = std::find_if(list.begin(), list.end(),
                                         [&](const Chromosome& o) { return o.name == c.name; });
            if (it == list.end())
                list.push_back(c);
            else
                it->length = std::max(it->length, c.length);
        }
    };
    // The genome names the chromosomes; without one, the tracks' files do.
    for (const Track& t : m_tracks)
        if (t.kind == TrackKind::Sequence && t.source)
            list = t.source->chromosomes();
    if (list.empty())
        for (const Track& t : m_tracks) {
            if (t.source)
                merge(t.source->chromosomes());
            if (t.features)
                merge(t.features->chromosomes());
        }
    return list;
}

QStringList TrackList::featureNames() const
{
    QStringList names;
    for (const Track& t : m_tracks)
        if (t.features)
            names << t.features->names();
    names.removeDuplicates();
    return names;
}

std::optional<GenomicRange> TrackList::findFeature(const QString& name) const
{
    for (const Track& t : m_tracks)
        if (t.features)
            if (auto r = t.features->find(name))
                return r;
    return std::nullopt;
}

} // namespace kdna::ui
