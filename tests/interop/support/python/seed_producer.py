"""The seed course's stream_simulator.py (shared/seed/bank-transaction-stream.md), in Python
with Debian's python3-kafka: transactions as the seed writes them, keyed by account, with
Python's json.dumps and a naive datetime.now().isoformat() timestamp. Each line it prints is
the JSON of one transaction it sent.

    python3 seed_producer.py --brokers 127.0.0.1:9092 --topic transactions --count 20 --seed 7
"""

import argparse
import json
import random
from datetime import datetime

from kafka import KafkaProducer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--brokers", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    producer = KafkaProducer(
        bootstrap_servers=args.brokers.split(","),
        client_id="seed-producer-py",
        acks="all",
        key_serializer=lambda key: str(key).encode("utf-8"),
        value_serializer=lambda value: json.dumps(value).encode("utf-8"),
    )
    first_id = rng.randint(10000, 89999)
    for n in range(args.count):
        tx = {
            "account": rng.randint(1000, 5000),
            "amount": round(rng.uniform(-1000, 1000), 2),
            "timestamp": datetime.now().isoformat(),
            "transaction_id": f"TXN-{first_id + n}",
            "type": rng.choice(["deposit", "withdrawal", "transfer", "payment"]),
        }
        producer.send(args.topic, key=tx["account"], value=tx)
        print(json.dumps(tx), flush=True)
    producer.flush()
    producer.close()


if __name__ == "__main__":
    main()
