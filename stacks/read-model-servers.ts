export interface ReadModelServers {
  readonly vpc: sst.aws.Vpc;
  readonly search: sst.aws.OpenSearch;
  readonly cache: sst.aws.Redis;
}

/**
 * OpenSearch (the book index) and Redis (bestsellers, also-bought, top-rated, daily sales) inside one VPC.
 * There is no NAT: functions in the VPC reach DynamoDB through a gateway endpoint, which is
 * free, and everything else they talk to lives in the VPC. Under `sst dev` the functions run
 * on the developer's machine and use the local servers of `npm run servers` instead.
 */
export const readModelServers = (): ReadModelServers => {
  const vpc = new sst.aws.Vpc("Network", { az: 2 });
  new aws.ec2.VpcEndpoint("NetworkDynamoEndpoint", {
    vpcId: vpc.id,
    serviceName: $interpolate`com.amazonaws.${aws.getRegionOutput().region}.dynamodb`,
    vpcEndpointType: "Gateway",
    routeTableIds: vpc.nodes.privateRouteTables.apply((tables) => tables.map((t) => t.id)),
  });
  const search = new sst.aws.OpenSearch("Search", {
    // The local server runs without the security plugin and ignores these; SST insists on a password.
    dev: { url: "http://localhost:9200", username: "admin", password: "local-no-security" },
    transform: {
      domain: (args) => {
        // A one-node domain lives in one subnet; SST leaves domains public unless told otherwise.
        args.vpcOptions = { subnetIds: vpc.privateSubnets.apply((ids) => ids.slice(0, 1)), securityGroupIds: vpc.securityGroups };
      },
    },
  });
  // Not a cluster: the sales script takes back a cancelled sale from the day its order's hash
  // names, a key it cannot be given in advance, and a cluster refuses such keys.
  const cache = new sst.aws.Redis("Cache", { engine: "valkey", cluster: false, vpc, dev: { host: "localhost", port: 6379 } });
  return { vpc, search, cache };
};
