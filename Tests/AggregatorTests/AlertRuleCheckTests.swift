import Testing

/// The alert-expression reader itself, on the chart's real rule file and on broken input,
/// so `AlertRuleCheck.problems` cannot pass by reading nothing.
struct AlertRuleCheckTests {
    @Test func readsEveryCardanoAlertOfTheChart() throws {
        let expressions = try AlertRuleCheck.expressions()
        let reading = expressions.filter { !AlertRuleCheck.metrics(in: $0.text).isEmpty }.map(\.alert)
        #expect(Set(reading).isSuperset(of: ["CardanoMultipleForgers", "CardanoNoForger", "CardanoStaleForgeReports",
                                             "CardanoHealthCheckFailing", "CardanoNoForgerVisible", "CardanoPeerUnreachable",
                                             "CardanoRegionLivenessStale", "CardanoMultipleRegionsAllowed"]), "\(expressions.map(\.alert))")
        let multiple = try #require(expressions.first { $0.alert == "CardanoMultipleForgers" })
        #expect(AlertRuleCheck.metrics(in: multiple.text) == ["cardano_pool_forging_pods", "cardano_cluster_active_forgers"])
        #expect(AlertRuleCheck.labels(in: multiple.text) == ["network", "pool_id", "region"])
    }

    @Test func reportsMissingMetricsAndLabels() {
        let scrape = """
        # TYPE cardano_pool_forging_pods gauge
        cardano_pool_forging_pods{cluster="a",region="eu"} 1
        """
        let series = AlertRuleCheck.series(in: scrape)
        #expect(series["cardano_pool_forging_pods"] == ["cluster", "region"])
        #expect(AlertRuleCheck.labels(in: #"max by (network, pool_id) (x{fresh="false", job=~"a.*"})"#)
            == ["network", "pool_id", "fresh", "job"])
        let problems = (try? AlertRuleCheck.problems(scrape: scrape)) ?? []
        #expect(problems.contains { $0.contains("no metric cardano_cluster_active_forgers") })
        #expect(problems.contains { $0.contains("cardano_pool_forging_pods has no label pool_id") })
    }
}
