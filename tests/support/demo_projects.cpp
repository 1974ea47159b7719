#include "support/demo_projects.h"

#include <nlohmann/json.hpp>

namespace kdna::test {

using nlohmann::json;

Project demoSiteProject(const DemoFiles& files, std::int64_t seqLen)
{
    Project p;
    p.base_dir = files.fasta.parent_path();
    DatasetSpec d;
    d.batch_size = 32;
    d.fasta_file = files.fasta.string();
    d.annotation_files = {files.peaks.string()};
    d.annotation_list = {"site"};
    d.seq_len = seqLen;
    d.incl_chromosomes = {"chr1", "chr2", "chr3"};
    d.output_shape = {32, 1};
    p.dataset = d;
    return p;
}

ModelSpec motifFinder(std::int64_t window)
{
    return ModelSpec::fromJson(
        json{{"layers",
              {{{"type", "Input"}, {"shape", {window, 4}}},
               {{"type", "Conv1D"}, {"filters", 8}, {"kernel_size", 8}, {"activation", "relu"}},
               {{"type", "GlobalMaxPooling1D"}},
               {{"type", "Dense"}, {"units", 1}, {"activation", "sigmoid"}}}}});
}

DatasetSpec yeastNucleosomes(const std::filesystem::path& data,
                             std::vector<std::string> chromosomes)
{
    DatasetSpec s;
    s.fasta_file = (data / "sacCer3.fa").string();
    s.annotation_files = {(data / "nucleosome_occupancy.bw").string()};
    s.window = 2001;
    s.normalization_mode = {"max", "perctrim"};
    s.incl_chromosomes = std::move(chromosomes);
    return s;
}

} // namespace kdna::test
