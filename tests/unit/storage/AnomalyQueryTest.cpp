// TenantQuery's FINAL, GROUP BY and literal-carrying select lists, and the anomaly lifecycle rule.
#include <gtest/gtest.h>

#include "auth/Principal.h"
#include "storage/AnomalyRepository.h"
#include "storage/TenantQuery.h"
#include "support/ApiErrorCapture.h"

namespace infrasage::storage {
namespace {

using testing::Err;
using testing::errorOf;

tenancy::TenantScope tenant(const std::string& id) {
    auth::Principal p;
    p.tenant_id = id;
    p.role = "viewer";
    return tenancy::TenantScope::of(p);
}

TEST(TenantQueryFinal, FinalFollowsTheTableAndTheTenantConditionStaysFirst) {
    EXPECT_EQ(TenantQuery(tenant("acme"), "db", "t")
                  .select("a")
                  .final()
                  .whereEquals("status", "open")
                  .orderBy("a DESC")
                  .limit(3)
                  .str(),
              "SELECT a FROM `db`.`t` FINAL WHERE (tenant_id = 'acme') AND (status = 'open') "
              "ORDER BY a DESC LIMIT 3");
}

TEST(TenantQueryFinal, GroupByComesBeforeOrderByAndSelectListsKeepLiteralsQuoted) {
    EXPECT_EQ(
        TenantQuery(tenant("acme"), "db", "t")
            .select(SqlBuilder("intDiv(x, ").unsignedInteger(60).sql(") AS b, ").string("'"))
            .groupBy("b")
            .orderBy("b")
            .format("RowBinary")
            .str(),
        "SELECT intDiv(x, 60) AS b, '\\'' FROM `db`.`t` WHERE (tenant_id = 'acme') GROUP BY b "
        "ORDER BY b FORMAT RowBinary");
}

TEST(AnomalyLifecycle, OpenToAcknowledgedToResolvedAndOpenToResolved) {
    EXPECT_EQ(AnomalyRepository::nextStatus("open", AnomalyAction::Acknowledge), "acknowledged");
    EXPECT_EQ(AnomalyRepository::nextStatus("open", AnomalyAction::Resolve), "resolved");
    EXPECT_EQ(AnomalyRepository::nextStatus("acknowledged", AnomalyAction::Resolve), "resolved");
}

TEST(AnomalyLifecycle, EveryOtherTransitionIsAConflictWithAStableCode) {
    EXPECT_EQ(
        errorOf([] { AnomalyRepository::nextStatus("acknowledged", AnomalyAction::Acknowledge); }),
        (Err{409, "anomaly_already_acknowledged"}));
    EXPECT_EQ(errorOf([] { AnomalyRepository::nextStatus("resolved", AnomalyAction::Resolve); }),
              (Err{409, "anomaly_already_resolved"}));
    EXPECT_EQ(
        errorOf([] { AnomalyRepository::nextStatus("resolved", AnomalyAction::Acknowledge); }),
        (Err{409, "anomaly_already_resolved"}));
}

TEST(AnomalyLifecycle, SeveritiesAndStatusesAreTheDocumentedOnes) {
    for (const char* s : {"low", "medium", "high", "critical"}) {
        EXPECT_TRUE(AnomalyRepository::isValidSeverity(s)) << s;
    }
    for (const char* s : {"open", "acknowledged", "resolved"}) {
        EXPECT_TRUE(AnomalyRepository::isValidStatus(s)) << s;
    }
    for (const char* s : {"", "Low", "fatal", "closed", "open "}) {
        EXPECT_FALSE(AnomalyRepository::isValidSeverity(s)) << s;
        EXPECT_FALSE(AnomalyRepository::isValidStatus(s)) << s;
    }
}

}  // namespace
}  // namespace infrasage::storage
