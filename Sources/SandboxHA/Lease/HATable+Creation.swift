extension HATable {
    /// Creates the table as docs/behaviour.md §12.4 describes it (keys `pool` and `item`, both strings; on-demand
    /// capacity), waits until it is active, and turns on TTL on `expires_at`: `sandboxd ha create-table`, and the
    /// tests. catalog/sandboxd-ha-table.yaml is the same table in CloudFormation.
    public func create() async throws(DynamoDBError) {
        _ = try await client.call(
            .createTable,
            [
                "TableName": .string(name),
                "AttributeDefinitions": .array([
                    .object(["AttributeName": .string(Self.partitionKey), "AttributeType": .string("S")]),
                    .object(["AttributeName": .string(Self.sortKey), "AttributeType": .string("S")]),
                ]),
                "KeySchema": .array([
                    .object(["AttributeName": .string(Self.partitionKey), "KeyType": .string("HASH")]),
                    .object(["AttributeName": .string(Self.sortKey), "KeyType": .string("RANGE")]),
                ]),
                "BillingMode": .string("PAY_PER_REQUEST"),
            ],
            safeToRepeat: false
        )
        for _ in 0..<120 {
            let answer = try await client.call(.describeTable, ["TableName": .string(name)], safeToRepeat: true)
            if answer["Table"]?["TableStatus"]?.stringValue == "ACTIVE" { break }
            try? await Task.sleep(for: .milliseconds(500))
        }
        _ = try await client.call(
            .updateTimeToLive,
            [
                "TableName": .string(name),
                "TimeToLiveSpecification": .object([
                    "Enabled": .bool(true), "AttributeName": .string(Self.timeToLiveAttribute),
                ]),
            ],
            safeToRepeat: true
        )
    }
}
