#include "storage/SampleRowOrder.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <numeric>
#include <unordered_map>
#include <vector>

namespace infrasage::storage {
namespace {

// After the tenant string: series_id UInt64, timestamp DateTime (UInt32), timestamp_ms UInt16,
// value Float64, all little-endian (storage/SampleTables.h).
constexpr std::size_t kFixedRowBytes = 8 + 4 + 2 + 8;
constexpr std::size_t kMaxVarUIntBytes = 10;

struct RowKey {
    uint64_t series;
    uint64_t time;    // seconds << 16 | milliseconds
    uint32_t tenant;  // the tenant's rank in byte order among the block's tenants
    uint32_t offset;  // where the row starts in the block; the last tie-breaker

    bool operator<(const RowKey& other) const {
        if (tenant != other.tenant) {
            return tenant < other.tenant;
        }
        if (series != other.series) {
            return series < other.series;
        }
        if (time != other.time) {
            return time < other.time;
        }
        return offset < other.offset;
    }
};

uint64_t loadLittleEndian(const char* p, std::size_t bytes) {
    uint64_t value = 0;
    for (std::size_t i = 0; i < bytes; ++i) {
        value |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
    }
    return value;
}

// The rows of one block: a key per row, and each tenant's string and row size.
class BlockIndex {
  public:
    // False when `block` is not a whole number of sample rows.
    bool parse(std::string_view block) {
        if (block.size() > std::numeric_limits<uint32_t>::max()) {
            return false;
        }
        std::size_t pos = 0;
        while (pos < block.size()) {
            const std::size_t start = pos;
            uint64_t length = 0;
            if (!readVarUInt(block, pos, length) || length > block.size() - pos ||
                block.size() - pos - length < kFixedRowBytes) {
                return false;
            }
            const std::string_view tenant = block.substr(pos, length);
            pos += length;
            const char* fixed = block.data() + pos;
            keys_.push_back(RowKey{
                loadLittleEndian(fixed, 8),
                loadLittleEndian(fixed + 8, 4) << 16 | loadLittleEndian(fixed + 12, 2),
                tenantIndex(tenant, pos - start + kFixedRowBytes), static_cast<uint32_t>(start)});
            pos += kFixedRowBytes;
        }
        rankTenants();
        return true;
    }

    std::vector<RowKey>& keys() { return keys_; }
    uint32_t rowBytes(const RowKey& key) const { return row_bytes_[key.tenant]; }
    uint32_t tenantCount() const { return static_cast<uint32_t>(tenants_.size()); }

  private:
    static bool readVarUInt(std::string_view block, std::size_t& pos, uint64_t& value) {
        for (std::size_t i = 0; i < kMaxVarUIntBytes && pos < block.size(); ++i) {
            const auto byte = static_cast<uint8_t>(block[pos++]);
            value |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
            if ((byte & 0x80) == 0) {
                return true;
            }
        }
        return false;
    }

    // Blocks usually hold one tenant, often in long runs: the previous row's tenant is checked
    // before the map.
    uint32_t tenantIndex(std::string_view tenant, std::size_t row_bytes) {
        if (!tenants_.empty() && tenants_[last_] == tenant) {
            return last_;
        }
        auto [it, inserted] = index_.try_emplace(tenant, static_cast<uint32_t>(tenants_.size()));
        if (inserted) {
            tenants_.push_back(tenant);
            row_bytes_.push_back(static_cast<uint32_t>(row_bytes));
        }
        last_ = it->second;
        return last_;
    }

    // Replaces first-seen indexes by ranks in byte order, the order ClickHouse sorts Strings in.
    void rankTenants() {
        std::vector<uint32_t> by_name(tenants_.size());
        std::iota(by_name.begin(), by_name.end(), 0U);
        std::sort(by_name.begin(), by_name.end(),
                  [&](uint32_t a, uint32_t b) { return tenants_[a] < tenants_[b]; });
        std::vector<uint32_t> rank(tenants_.size());
        std::vector<uint32_t> ranked_bytes(tenants_.size());
        for (uint32_t r = 0; r < by_name.size(); ++r) {
            rank[by_name[r]] = r;
            ranked_bytes[r] = row_bytes_[by_name[r]];
        }
        for (RowKey& key : keys_) {
            key.tenant = rank[key.tenant];
        }
        row_bytes_ = std::move(ranked_bytes);
    }

    std::vector<RowKey> keys_;
    std::vector<std::string_view> tenants_;
    std::vector<uint32_t> row_bytes_;
    std::unordered_map<std::string_view, uint32_t> index_;
    uint32_t last_ = 0;
};

// Bucket counts are powers of two up to this many per tenant.
constexpr unsigned kMaxBucketBits = 16;
// Buckets up to this size are finished by insertion sort.
constexpr std::size_t kInsertionSortLimit = 32;

// Hand-written because std::sort of the keys cost 0.09 CPU-s per million rows on 200,000-row
// blocks, a third of what the sort saves ClickHouse (bench/micro_sample_order.cpp). Series ids are
// hashes, so their top bits spread rows evenly: one stable counting pass by (tenant, top bits of
// the series) leaves buckets of a few rows, usually one series already in time order, which
// insertion sort finishes in one pass.
void sortKeys(std::vector<RowKey>& keys, uint32_t tenant_count) {
    unsigned bits = 0;
    while (bits < kMaxBucketBits && (uint64_t{tenant_count} << (bits + 1)) <= keys.size()) {
        ++bits;
    }
    const auto bucketOf = [bits](const RowKey& key) {
        const uint64_t top = bits == 0 ? 0 : key.series >> (64 - bits);
        return static_cast<std::size_t>((uint64_t{key.tenant} << bits) | top);
    };
    std::vector<std::size_t> starts((std::size_t{tenant_count} << bits) + 1, 0);
    for (const RowKey& key : keys) {
        ++starts[bucketOf(key) + 1];
    }
    std::partial_sum(starts.begin(), starts.end(), starts.begin());
    std::vector<RowKey> scattered(keys.size());
    std::vector<std::size_t> next(starts.begin(), starts.end() - 1);
    for (const RowKey& key : keys) {
        scattered[next[bucketOf(key)]++] = key;
    }
    for (std::size_t b = 0; b + 1 < starts.size(); ++b) {
        const auto first = scattered.begin() + static_cast<std::ptrdiff_t>(starts[b]);
        const auto last = scattered.begin() + static_cast<std::ptrdiff_t>(starts[b + 1]);
        if (starts[b + 1] - starts[b] > kInsertionSortLimit) {
            std::sort(first, last);
            continue;
        }
        for (auto it = first; it != last; ++it) {
            const RowKey key = *it;
            auto hole = it;
            for (; hole != first && key < *(hole - 1); --hole) {
                *hole = *(hole - 1);
            }
            *hole = key;
        }
    }
    keys = std::move(scattered);
}

}  // namespace

std::optional<std::string> sampleRowsInKeyOrder(std::string_view block) {
    BlockIndex index;
    if (!index.parse(block)) {
        return std::nullopt;
    }
    std::vector<RowKey>& keys = index.keys();
    if (std::is_sorted(keys.begin(), keys.end())) {
        return std::nullopt;
    }
    sortKeys(keys, index.tenantCount());
    std::string sorted(block.size(), '\0');
    char* out = sorted.data();
    for (const RowKey& key : keys) {
        const uint32_t bytes = index.rowBytes(key);
        std::memcpy(out, block.data() + key.offset, bytes);
        out += bytes;
    }
    return sorted;
}

}  // namespace infrasage::storage
