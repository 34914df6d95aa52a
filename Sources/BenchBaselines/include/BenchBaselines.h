#ifndef PORTFOLIO_LEDGER_BENCH_BASELINES_H
#define PORTFOLIO_LEDGER_BENCH_BASELINES_H
// Plain-C baselines that `ledger-bench` measures our Swift code against, in the same run.
// Each is the shortest honest loop over the C API or the formula: no validation layer, no
// wrappers. Functions return a negative value on a SQLite error and print SQLite's message.
#include <stdint.h>

/// Opens `path` with the settings the library's connections use (read-write: foreign_keys=ON,
/// WAL, synchronous=FULL; read-only: foreign_keys=ON). Opening and closing are kept out of the
/// timed calls, as they are on our side. Returns an opaque `sqlite3 *`, or NULL.
void *bench_c_open(const char *path, int read_only);
/// Closes a connection from `bench_c_open` (this checkpoints the WAL, outside any timing).
void bench_c_close(void *db);

/// Inserts `count` rows into `price_observation` through one prepared statement in one
/// `BEGIN IMMEDIATE` transaction. Row i: series `series_id`, observed_at `first_at + i * step`,
/// price `bench_price(i)`, recorded_at `recorded_at`, source NULL.
/// Returns the rows inserted (sqlite3_changes summed), or -1.
int64_t bench_c_insert_observations(void *db, int64_t series_id, int64_t count, int64_t first_at,
                                    int64_t step, int64_t recorded_at);

/// Runs `count` as-of lookups (`sql`, parameters series, instant, recorded_at cut-off) through one
/// prepared statement in one read transaction; adds each found price to `*checksum`.
/// Returns the number of lookups that found a row, or -1.
int64_t bench_c_asof_lookups(void *db, const char *sql, const int64_t *series_ids, const int64_t *instants,
                             int64_t count, int64_t known_at, double *checksum);

/// Black–Scholes–Merton spot-fixed theta per year, the textbook closed form (same as
/// LedgerMath's `BlackScholes.thetaPerYear`), for `count` inputs; returns Σ theta as a checksum.
/// `is_call[i]` non-zero for a call.
double bench_c_theta_sum(const uint8_t *is_call, const double *spot, const double *strike, const double *vol,
                         const double *rate, const double *dividend, const double *years, int64_t count);

/// The deterministic price of row i used by both insert loops.
static inline double bench_price(int64_t i) { return 100.0 + (double)(i % 10007) * 0.01; }

#endif
