// storage/SampleRowOrder: puts a block of infrasage_samples rows (RowBinary, kSampleColumnList)
// into the table's sorting-key order (tenant_id, series_id, timestamp) before it is inserted.
// Why: ClickHouse sorts every inserted block by the key unless it already is in key order, and
// that sort is about 70 % of its cost for narrow sample rows (0.40 against 0.12 CPU-s per million
// rows; bench/clickhouse_narrow_insert_experiment.py, docs/benchmarks.md). Sorting here costs less
// than what it saves ClickHouse (bench/micro_sample_order.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace infrasage::storage {

// The rows of `block` in key order; ties (same tenant, series and second) are ordered by the
// millisecond and keep their arrival order after that. nullopt when the block already is in key
// order, or is not a whole number of sample rows (then it is sent as it is, and ClickHouse judges
// it). The result has exactly the bytes of `block`, rearranged by row.
std::optional<std::string> sampleRowsInKeyOrder(std::string_view block);

}  // namespace infrasage::storage
