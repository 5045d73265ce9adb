print("cardano-node-standin")
