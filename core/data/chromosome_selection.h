#pragma once

#include "core/data/dataset_spec.h"
#include "core/util/chromosome.h"

#include <vector>

namespace kdna {

class Genome;

/// The chromosomes a dataset uses: incl_chromosomes (in the order given) or every chromosome
/// of the genome that `available` also lists, minus excl_chromosomes. Names the genome lacks
/// are errors (with the near names), at the keyword that holds them.
/// `available` empty means "every genome chromosome".
[[nodiscard]] std::vector<Chromosome> selectChromosomes(const DatasetSpec& spec,
                                                        const Genome& genome,
                                                        const std::vector<std::string>& available,
                                                        const std::string& availableWhere);

} // namespace kdna
