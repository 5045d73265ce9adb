import ForgeCore

extension AggregatorEngine {
    /// How many of `wanted` refresh-only patches (nothing decided or reported changed) may go
    /// now. Asked when a heartbeat falls due, before its patch is even encoded.
    ///
    /// All requests share the client's rate limiter, and a pass awaits its writes before the
    /// loop takes the next event. Refreshes sent as fast as the limiter allows would fill its
    /// queue, and every change arriving meanwhile would wait behind them (at `--kube-qps 20`,
    /// 200 refreshes are 10 s). So refreshes get at most half of the client's QPS, saved up
    /// for at most one tick; the other half and the burst stay free for change-driven
    /// writes, which a pass always sends first and never paces. Refreshes left out stay due and
    /// go in later passes.
    func refreshBudget(wanted: Int) -> Int {
        guard wanted > 0 else { return 0 }
        var pacer = refreshPacer ?? RefreshPacer(rate: config.kubeQPS / 2, capacity: config.kubeQPS / 2 * config.tick.seconds)
        let granted = pacer.take(upTo: wanted, now: clock.now())
        refreshPacer = pacer
        return granted
    }
}
