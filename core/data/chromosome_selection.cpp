#include "core/data/chromosome_selection.h"

#include "core/genome/genome.h"
#include "core/util/chrom_names.h"
#include "core/util/error.h"
#include "core/util/text.h"

#include <algorithm>
#include <set>

namespace kdna {

std::vector<Chromosome> selectChromosomes(const DatasetSpec& spec, const Genome& genome,
                                          const std::vector<std::string>& available,
                                          const std::string& availableWhere)
{
    const std::vector<std::string> genomeNames = genome.names();
    const std::set<std::string> availableSet(available.begin(), available.end());
    auto inGenome = [&](const std::string& keyword, const std::string& name) {
        if (!genome.contains(name))
            throw Error::atKeyword(
                keyword, chrom_names::unknownMessage(name, "the genome " + genome.path().string(),
                                                     genomeNames));
    };
    for (const auto& name : spec.excl_chromosomes)
        inGenome("excl_chromosomes", name);

    std::vector<Chromosome> out;
    if (!spec.incl_chromosomes.empty()) {
        std::set<std::string> seen;
        for (const auto& name : spec.incl_chromosomes) {
            inGenome("incl_chromosomes", name);
            if (!available.empty() && !availableSet.count(name))
                throw Error::atKeyword("incl_chromosomes", chrom_names::unknownMessage(
                                                               name, availableWhere, available));
            if (seen.insert(name).second)
                out.push_back({name, genome.length(name)});
        }
        return out;
    }
    const std::set<std::string> excluded(spec.excl_chromosomes.begin(),
                                         spec.excl_chromosomes.end());
    for (const auto& c : genome.chromosomes())
        if (!excluded.count(c.name) && (available.empty() || availableSet.count(c.name)))
            out.push_back(c);
    if (out.empty()) {
        std::string message = "no chromosome is left to use";
        if (!available.empty()) {
            const auto cmp = chrom_names::compare(genomeNames, available);
            message = "the genome " + genome.path().string() + " and " + availableWhere +
                      " share no chromosome name";
            if (!cmp.fix.empty())
                message += ": " + cmp.fix;
        }
        throw Error::atKeyword("incl_chromosomes", message);
    }
    return out;
}

} // namespace kdna
