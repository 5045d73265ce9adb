print("forge-aggregator")
