#include "BenchBaselines.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>

static int fail(sqlite3 *db, const char *what) {
    fprintf(stderr, "baseline: %s: %s\n", what, db ? sqlite3_errmsg(db) : "no connection");
    return -1;
}

static int exec(sqlite3 *db, const char *sql) {
    char *message = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &message) != SQLITE_OK) {
        fprintf(stderr, "baseline: %s: %s\n", sql, message ? message : "?");
        sqlite3_free(message);
        return -1;
    }
    return 0;
}

void *bench_c_open(const char *path, int read_only) {
    sqlite3 *db = NULL;
    int flags = SQLITE_OPEN_NOMUTEX | (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
        fail(db, "open");
        sqlite3_close_v2(db);
        return NULL;
    }
    const char *settings = read_only ? "PRAGMA foreign_keys = ON"
                                     : "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL";
    if (exec(db, settings) != 0) {
        sqlite3_close_v2(db);
        return NULL;
    }
    return db;
}

void bench_c_close(void *db) { sqlite3_close_v2((sqlite3 *)db); }

int64_t bench_c_insert_observations(void *handle, int64_t series_id, int64_t count, int64_t first_at,
                                    int64_t step, int64_t recorded_at) {
    sqlite3 *db = handle;
    int64_t inserted = -1;
    sqlite3_stmt *insert = NULL;
    if (exec(db, "BEGIN IMMEDIATE") != 0) return -1;
    if (sqlite3_prepare_v2(db, "INSERT INTO price_observation (series_id, observed_at, price, recorded_at, source_id) "
                               "VALUES (?, ?, ?, ?, ?)", -1, &insert, NULL) != SQLITE_OK) {
        fail(db, "prepare");
        goto done;
    }
    inserted = 0;
    for (int64_t i = 0; i < count; i++) {
        sqlite3_bind_int64(insert, 1, series_id);
        sqlite3_bind_int64(insert, 2, first_at + i * step);
        sqlite3_bind_double(insert, 3, bench_price(i));
        sqlite3_bind_int64(insert, 4, recorded_at);
        sqlite3_bind_null(insert, 5);
        if (sqlite3_step(insert) != SQLITE_DONE) {
            inserted = fail(db, "insert");
            goto done;
        }
        inserted += sqlite3_changes(db);
        sqlite3_reset(insert);
    }
    if (exec(db, "COMMIT") != 0) inserted = -1;
done:
    sqlite3_finalize(insert);
    if (!sqlite3_get_autocommit(db)) exec(db, "ROLLBACK");
    return inserted;
}

int64_t bench_c_asof_lookups(void *handle, const char *sql, const int64_t *series_ids, const int64_t *instants,
                             int64_t count, int64_t known_at, double *checksum) {
    sqlite3 *db = handle;
    int64_t found = -1;
    sqlite3_stmt *lookup = NULL;
    if (exec(db, "BEGIN") != 0) return -1;
    if (sqlite3_prepare_v2(db, sql, -1, &lookup, NULL) != SQLITE_OK) {
        fail(db, "prepare");
        goto done;
    }
    found = 0;
    double sum = 0;
    for (int64_t i = 0; i < count; i++) {
        sqlite3_bind_int64(lookup, 1, series_ids[i]);
        sqlite3_bind_int64(lookup, 2, instants[i]);
        sqlite3_bind_int64(lookup, 3, known_at);
        int code = sqlite3_step(lookup);
        if (code == SQLITE_ROW) {
            sum += sqlite3_column_double(lookup, 1);
            found++;
        } else if (code != SQLITE_DONE) {
            found = fail(db, "lookup");
            goto done;
        }
        sqlite3_reset(lookup);
    }
    *checksum = sum;
    if (exec(db, "COMMIT") != 0) found = -1;
done:
    sqlite3_finalize(lookup);
    if (!sqlite3_get_autocommit(db)) exec(db, "ROLLBACK");
    return found;
}

static inline double normal_cdf(double x) { return 0.5 * erfc(-x * 0.70710678118654752440); }
static inline double normal_pdf(double x) { return 0.39894228040143267794 * exp(-0.5 * x * x); }

static inline double theta_per_year(int is_call, double s, double k, double sigma, double r, double q, double t) {
    if (t == 0) return 0;
    double sqrt_t = sqrt(t);
    double std_dev = sigma * sqrt_t;
    double dividend_discount = exp(-q * t);
    double discounted_spot = s * dividend_discount;
    double discounted_strike = k * exp(-r * t);
    double d1, d2;
    if (std_dev > 0) {
        d1 = (log(s / k) + (r - q) * t) / std_dev + 0.5 * std_dev;
        d2 = d1 - std_dev;
    } else {
        double m = log(s / k) + (r - q) * t;
        d1 = m > 0 ? INFINITY : (m < 0 ? -INFINITY : 0);
        d2 = d1;
    }
    double vol_decay = -discounted_spot * normal_pdf(d1) * sigma / (2 * sqrt_t);
    if (is_call) return vol_decay - r * discounted_strike * normal_cdf(d2) + q * discounted_spot * normal_cdf(d1);
    return vol_decay + r * discounted_strike * normal_cdf(-d2) - q * discounted_spot * normal_cdf(-d1);
}

double bench_c_theta_sum(const uint8_t *is_call, const double *spot, const double *strike, const double *vol,
                         const double *rate, const double *dividend, const double *years, int64_t count) {
    double sum = 0;
    for (int64_t i = 0; i < count; i++) {
        sum += theta_per_year(is_call[i], spot[i], strike[i], vol[i], rate[i], dividend[i], years[i]);
    }
    return sum;
}
