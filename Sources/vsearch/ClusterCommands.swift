import ArgumentParser
import Cluster
import Foundation

/// `vsearch cluster create | status | publish`: a sharded cluster's configuration in etcd.
struct ClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Create, inspect and publish generations of a sharded cluster coordinated through etcd.",
        subcommands: [ClusterCreateCommand.self, ClusterStatusCommand.self, ClusterPublishCommand.self])
}

/// `--etcd URL --cluster NAME`: the flags every cluster command and the router share.
struct ClusterTarget: ParsableArguments {
    @Option(help: "etcd client URL, e.g. http://127.0.0.1:2379.") var etcd: String
    @Option(help: "Cluster name (letters, digits, '.', '_', '-').") var cluster: String

    func validate() throws {
        do { _ = try ClusterKeys(cluster: cluster) } catch { throw TextCommandSupport.usage("cluster", "\(error)") }
    }

    func admin() throws -> ClusterAdmin {
        ClusterAdmin(etcd: EtcdClient(endpoint: etcd), keys: try ClusterKeys(cluster: cluster))
    }
}

struct ClusterCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a cluster of N shards (again with the same N: no change).")

    @OptionGroup var target: ClusterTarget
    @Option(help: "Shard count N (items are placed by xxh64(id) mod N).") var shards: Int

    func validate() throws {
        guard (1...65_536).contains(shards) else { throw TextCommandSupport.usage("cluster create", "--shards must be 1…65536") }
    }

    func run() async throws {
        let created = try await TextCommandSupport.attempt("cluster create") { try await target.admin().create(shards: shards) }
        print(created ? "created cluster \(target.cluster) with \(shards) shards" : "cluster \(target.cluster) already has \(shards) shards")
    }
}

struct ClusterStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Shards, replicas, generations, readiness and applied positions.")

    @OptionGroup var target: ClusterTarget
    @Flag(help: "Print one JSON object.") var json = false

    func run() async throws {
        let state = try await TextCommandSupport.attempt("cluster status") { try await target.admin().status() }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(state), as: UTF8.self))
            return
        }
        print("cluster \(state.cluster): \(state.config.shards) shards, serving generation \(state.config.servingGeneration.map(String.init) ?? "- (each replica's own)")")
        for shard in 0..<state.config.shards {
            let members = state.members.filter { $0.shard == shard }
            print("shard \(shard): \(state.routable(shard: shard).count) routable of \(members.count) replicas")
            for m in members {
                print("  \(m.replica) \(m.address) \(m.ready ? "ready" : "not ready") generation \(m.generation.map(String.init) ?? "-") applied \(m.appliedPosition) items \(m.items.map(String.init) ?? "-")")
            }
        }
    }
}

struct ClusterPublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Switch queries to index generation G once every shard has a ready replica that loaded it.")

    @OptionGroup var target: ClusterTarget
    @Option(help: "The generation (index version) to serve.") var generation: UInt64

    func run() async throws {
        _ = try await TextCommandSupport.attempt("cluster publish") { try await target.admin().publish(generation: generation) }
        print("cluster \(target.cluster) serves generation \(generation)")
    }
}
