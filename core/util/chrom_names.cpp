#include "core/util/chrom_names.h"

#include "core/util/text.h"

#include <algorithm>
#include <set>

namespace kdna::chrom_names {
namespace {

std::string stripChr(const std::string& s)
{
    const std::string lower = text::toLower(s);
    return text::startsWith(lower, "chr") ? lower.substr(3) : lower;
}

std::size_t editDistance(const std::string& a, const std::string& b)
{
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

} // namespace

bool aliases(const std::string& a, const std::string& b)
{
    const std::string sa = stripChr(a);
    const std::string sb = stripChr(b);
    return sa == sb || ((sa == "m" || sa == "mt") && (sb == "m" || sb == "mt"));
}

std::string match(const std::string& name, const std::vector<std::string>& candidates)
{
    if (std::find(candidates.begin(), candidates.end(), name) != candidates.end())
        return name;
    std::string found;
    for (const std::string& c : candidates) {
        if (!aliases(name, c))
            continue;
        if (!found.empty())
            return {};
        found = c;
    }
    return found;
}

std::vector<std::string> near(const std::string& name, const std::vector<std::string>& candidates)
{
    std::vector<std::pair<std::size_t, std::string>> scored;
    for (const std::string& c : candidates) {
        if (aliases(name, c)) {
            scored.emplace_back(0, c);
            continue;
        }
        const std::size_t d = editDistance(stripChr(name), stripChr(c));
        const std::size_t allowed = std::max<std::size_t>(1, std::min(name.size(), c.size()) / 3);
        if (d <= allowed)
            scored.emplace_back(d, c);
    }
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    std::vector<std::string> out;
    for (std::size_t i = 0; i < scored.size() && i < 3; ++i)
        out.push_back(scored[i].second);
    return out;
}

std::string unknownMessage(const std::string& name, const std::string& where,
                           const std::vector<std::string>& candidates)
{
    std::string msg = "chromosome '" + name + "' is not in " + where;
    const auto close = near(name, candidates);
    if (!close.empty())
        msg += " (did you mean " + text::quotedList(close) + "?)";
    if (candidates.empty())
        msg += "; it has no chromosomes";
    else
        msg += "; it has " + text::quotedList(candidates);
    return msg;
}

Comparison compare(const std::vector<std::string>& first, const std::vector<std::string>& second)
{
    Comparison c;
    const std::set<std::string> a(first.begin(), first.end());
    const std::set<std::string> b(second.begin(), second.end());
    for (const auto& n : first)
        (b.count(n) ? c.shared : c.onlyFirst).push_back(n);
    for (const auto& n : second)
        if (!a.count(n))
            c.onlySecond.push_back(n);
    if (c.onlySecond.empty() || !c.shared.empty())
        return c;

    // No name in common: look for one systematic difference worth naming.
    std::size_t prefixed = 0;
    std::string example;
    for (const auto& n : c.onlySecond) {
        for (const auto& m : c.onlyFirst) {
            if (aliases(n, m)) {
                ++prefixed;
                if (example.empty())
                    example = "'" + n + "' for '" + m + "'";
                break;
            }
        }
    }
    if (prefixed * 2 >= c.onlySecond.size()) {
        const bool secondHasChr = text::startsWith(text::toLower(c.onlySecond.front()), "chr");
        c.fix = std::string("the second file names chromosomes ") +
                (secondHasChr ? "with" : "without") + " the 'chr' prefix (" + example +
                "); rename them to match the first";
    }
    return c;
}

} // namespace kdna::chrom_names
