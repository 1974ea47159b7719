#include "core/eval/dataset_choice.h"

#include "core/util/error.h"
#include "core/util/text.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace kdna {
namespace {

/// One path for a file however it was written (relative, through a link, ...).
std::filesystem::path samePathKey(const std::filesystem::path& p)
{
    std::error_code ec;
    auto c = std::filesystem::weakly_canonical(p, ec);
    return ec ? p.lexically_normal() : c;
}

std::vector<std::filesystem::path> annotationPaths(const DatasetSpec& d)
{
    std::vector<std::filesystem::path> out;
    for (const auto& f : d.annotation_files)
        out.push_back(samePathKey(d.resolve(f)));
    return out;
}

bool sameGenome(const DatasetSpec& d, const std::string& fasta)
{
    return samePathKey(d.resolve(d.fasta_file)) == samePathKey(d.resolve(fasta));
}

bool sameAnnotations(const DatasetSpec& d, const std::vector<std::string>& files)
{
    DatasetSpec asked = d;
    asked.annotation_files = files;
    return annotationPaths(d) == annotationPaths(asked);
}

/// The datasets holding distinct data: copies of one genome and track that differ only in
/// strand are one, represented by its direct-strand copy when there is one.
std::vector<std::size_t> distinctDatasets(const std::vector<DatasetSpec>& list)
{
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const auto same = std::find_if(out.begin(), out.end(), [&](std::size_t r) {
            return sameGenome(list[r], list[i].fasta_file) &&
                   annotationPaths(list[r]) == annotationPaths(list[i]);
        });
        if (same == out.end())
            out.push_back(i);
        else if (list[*same].rc && !list[i].rc)
            *same = i;
    }
    return out;
}

std::string describe(const std::vector<DatasetSpec>& list, const std::vector<std::size_t>& which)
{
    std::vector<std::string> parts;
    for (std::size_t i : which)
        parts.push_back("dataset " + std::to_string(i) + ": " + list[i].fasta_file + " with " +
                        text::join(list[i].annotation_files, ", "));
    return text::join(parts, "; ");
}

DatasetChoice finish(DatasetSpec spec, std::size_t index, const std::string& fasta,
                     const std::vector<std::string>& annotations)
{
    DatasetChoice c;
    c.index = index;
    c.sameData = (fasta.empty() || sameGenome(spec, fasta)) &&
                 (annotations.empty() || sameAnnotations(spec, annotations));
    if (!fasta.empty())
        spec.fasta_file = fasta;
    if (!annotations.empty())
        spec.annotation_files = annotations;
    c.spec = std::move(spec);
    return c;
}

} // namespace

DatasetChoice chooseDataset(const AnySpec& trained, const std::string& fasta,
                            const std::vector<std::string>& annotations)
{
    if (const auto* single = std::get_if<DatasetSpec>(&trained))
        return finish(*single, 0, fasta, annotations);
    const MultiSpec& multi = std::get<MultiSpec>(trained);
    const auto& list = multi.dataset_list;
    if (list.empty())
        throw Error::atKeyword("dataset_list", "the MultiGenerator holds no dataset");
    const std::vector<std::size_t> distinct = distinctDatasets(list);
    std::vector<std::size_t> candidates = distinct;
    if (!fasta.empty()) {
        std::erase_if(candidates, [&](std::size_t i) { return !sameGenome(list[i], fasta); });
        if (candidates.empty() && (distinct.size() == 1 || !annotations.empty()))
            candidates = {distinct.front()}; // another genome, with its own tracks
        else if (candidates.empty())
            throw Error::atKeyword("fasta_file",
                                   fasta + " is none of the genomes the model was trained on (" +
                                       describe(list, distinct) +
                                       "); give annotation_files (--annotation) for it too");
    }
    if (candidates.size() > 1 && !annotations.empty()) {
        std::vector<std::size_t> matching = candidates;
        std::erase_if(matching,
                      [&](std::size_t i) { return !sameAnnotations(list[i], annotations); });
        if (!matching.empty())
            candidates = matching;
    }
    if (candidates.size() > 1)
        throw Error::atKeyword("fasta_file",
                               "the model was trained on " + std::to_string(candidates.size()) +
                                   " datasets (" + describe(list, candidates) +
                                   "); choose the one to use with fasta_file (--fasta), and "
                                   "annotation_files (--annotation) where they share a genome");
    DatasetSpec spec = list[candidates.front()];
    spec.batch_size = multi.batch_size;
    return finish(std::move(spec), candidates.front(), fasta, annotations);
}

} // namespace kdna
