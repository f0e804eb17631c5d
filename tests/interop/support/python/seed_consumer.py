"""The seed course's consumer.py (shared/seed/bank-transaction-stream.md), in Python with
Debian's python3-kafka: a real client that nobody in this project wrote the library of.

It reads bank transactions as a member of a consumer group, with kafka-python's default
settings (its assignors included), decodes each with json.loads and datetime.fromisoformat,
and prints what the workshop's monitor prints: each transaction, the partitions it is given,
and the statistics block. SIGINT or SIGTERM, or --max-messages, stop it: it commits, prints
FINAL STATISTICS and exits 0.

    python3 seed_consumer.py --brokers 127.0.0.1:9092 --topic transactions --group monitor
"""

import argparse
import json
import signal
from datetime import datetime

from kafka import ConsumerRebalanceListener, KafkaConsumer

RULE = "=" * 60
TYPES = ["deposit", "withdrawal", "transfer", "payment"]


class Statistics:
    """The seed's real-time statistics. Deposits are money in (an amount above zero), withdrawals everything else."""

    def __init__(self):
        self.total = 0
        self.total_amount = 0.0
        self.deposits = 0
        self.withdrawals = 0
        self.by_type = {}
        self.accounts = set()

    def record(self, tx):
        self.total += 1
        self.total_amount += tx["amount"]
        if tx["amount"] > 0:
            self.deposits += 1
        else:
            self.withdrawals += 1
        self.by_type[tx["type"]] = self.by_type.get(tx["type"], 0) + 1
        self.accounts.add(tx["account"])

    def block(self, title="REAL-TIME STATISTICS"):
        lines = [
            "",
            RULE,
            "📊 " + title,
            RULE,
            f"Total Transactions: {self.total}",
            f"Total Amount: ${self.total_amount:,.2f}",
            f"Deposits: {self.deposits} | Withdrawals: {self.withdrawals}",
            "",
            "📈 Transactions by Type:",
        ]
        lines += [f"   {t.capitalize()}: {self.by_type[t]}" for t in TYPES if self.by_type.get(t)]
        lines += ["", f"👥 Active Accounts: {len(self.accounts)}", RULE]
        return "\n".join(lines)


def transaction_line(n, tx):
    amount = tx["amount"]
    signed = f"${'-' if amount < 0 else '+'}{abs(amount):.2f}"
    return f"[{n:4d}] Account {tx['account']} | {signed:>11} | {tx['type']:<12} | {tx['transaction_id']}"


class ShowAssignment(ConsumerRebalanceListener):
    def on_partitions_revoked(self, revoked):
        pass

    def on_partitions_assigned(self, assigned):
        partitions = sorted(tp.partition for tp in assigned)
        shown = ", ".join(map(str, partitions)) if partitions else "none"
        print(f"🧩 Partitions assigned: {shown}", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--brokers", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--stats-every", type=int, default=10)
    parser.add_argument("--max-messages", type=int, default=0)
    args = parser.parse_args()

    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(True))

    consumer = KafkaConsumer(
        bootstrap_servers=args.brokers.split(","),
        group_id=args.group,
        client_id="seed-consumer-py",
        auto_offset_reset="earliest",
        value_deserializer=lambda value: json.loads(value.decode("utf-8")),
    )
    consumer.subscribe([args.topic], listener=ShowAssignment())
    print(f"✅ Connected to Kafka at {args.brokers}", flush=True)

    stats = Statistics()
    while not stopping and not (args.max_messages and stats.total >= args.max_messages):
        for records in consumer.poll(timeout_ms=100).values():
            for record in records:
                tx = record.value
                datetime.fromisoformat(tx["timestamp"])  # the seed reads its timestamps back this way
                stats.record(tx)
                print(transaction_line(stats.total, tx), flush=True)
                if stats.total % args.stats_every == 0:
                    print(stats.block(), flush=True)

    consumer.commit()
    consumer.close()
    print(stats.block("FINAL STATISTICS"), flush=True)
    print(f"👋 Processed {stats.total} transactions.", flush=True)


if __name__ == "__main__":
    main()
