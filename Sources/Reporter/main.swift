print("forge-reporter")
