import ForgeCore
import Testing

@Suite("ResourceNames")
struct ResourceNamesTests {
    @Test("poolShort keeps 10 characters of bech32 ids and 8 of anything else")
    func poolShort() {
        #expect(ResourceNames.poolShort("pool1abcdefghijklmnop") == "pool1abcde")
        #expect(ResourceNames.poolShort("0123456789abcdef") == "01234567")
        #expect(ResourceNames.poolShort("short") == "short")
    }

    @Test("lease name per pool, legacy name without pool or network")
    func leaseName() {
        #expect(ResourceNames.leaseName(network: "mainnet", poolId: "pool1abcdefghijk")
                == "cardano-leader-mainnet-pool1abcde")
        #expect(ResourceNames.leaseName(network: "preprod", poolId: "ABCDEF0123456")
                == "cardano-leader-preprod-abcdef01")
        #expect(ResourceNames.leaseName(network: nil, poolId: "pool1x") == "cardano-node-leader")
        #expect(ResourceNames.leaseName(network: "mainnet", poolId: "  ") == "cardano-node-leader")
    }

    @Test("cluster name is {network}-{poolShort}-{region}")
    func clusterName() {
        #expect(ResourceNames.clusterName(network: "mainnet", poolId: "pool1abcdefghijk", region: "us-east-1")
                == "mainnet-pool1abcde-us-east-1")
        #expect(ResourceNames.clusterName(network: "mainnet", poolId: "pool1abc", region: nil) == nil)
    }

    @Test("names are sanitised to DNS-1123 labels")
    func sanitising() {
        #expect(ResourceNames.clusterName(network: "My_Net", poolId: "pool1ABCDEFGH", region: "EU West.1")
                == "my-net-pool1abcde-eu-west-1")
        #expect(ResourceNames.dnsLabel("--Hello__World--") == "hello-world")
        #expect(ResourceNames.dnsLabel("ünï") == "n")
        #expect(ResourceNames.dnsLabel("___") == "x")
        let long = ResourceNames.dnsLabel(String(repeating: "ab-", count: 40))
        #expect(long.count <= 63 && !long.hasSuffix("-"))
        #expect(ResourceNames.isDNSLabel(long))
        #expect(!ResourceNames.isDNSLabel("Upper"))
        #expect(!ResourceNames.isDNSLabel("-lead"))
        #expect(ResourceNames.isDNSLabel("cardano-leader-mainnet-pool1abcde"))
    }
}
