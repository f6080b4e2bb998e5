"""`complaints classifier train`: learn from the shipped corpus and every correction people made,
judge the new model on the held-out split, and install it unless it routes worse."""

import argparse
import asyncio
import sys
from typing import Any

from complaints.configuration.rulebook import load_rulebook
from complaints.db.engine import create_engine, create_session_factory, unit_of_work
from complaints.domain.understanding import TrainingRefused
from complaints.routing.classifier import Training, train_and_install
from complaints.settings import Settings


async def train_model(settings: Settings, database_url: str, *, force: bool = False) -> Training:
    engine = create_engine(database_url, pool_size=1)
    try:
        async with unit_of_work(create_session_factory(engine)) as session:
            rulebook = await load_rulebook(session, zone=settings.zone)
            return await train_and_install(session, rulebook=rulebook, force=force)
    finally:
        await engine.dispose()


def train_command(args: argparse.Namespace) -> int:
    settings = Settings()
    try:
        training = asyncio.run(train_model(settings, settings.require_database_url(), force=args.force))
    except TrainingRefused as refusal:
        print(f"not trained: {refusal}", file=sys.stderr)
        return 2
    print(describe(training))
    return 0 if training.installed or training.refused == "already installed" else 1


def describe(training: Training) -> str:
    what = "installed" if training.installed else f"not installed: {training.refused}"
    return (
        f"model {training.version} from {training.examples} examples "
        f"({training.corrections} corrections), unit accuracy on the held-out split "
        f"{training.metrics['unit_accuracy']:.1%}: {what}"
    )


def add_commands(commands: Any) -> None:
    classifier = commands.add_parser("classifier", help="the complaint classifier")
    sub = classifier.add_subparsers(dest="classifier_command", required=True)
    train = sub.add_parser(
        "train",
        help="train on the shipped corpus and people's corrections; install unless it routes worse "
        "on the held-out split (running workers pick it up with their next case)",
    )
    train.add_argument("--force", action="store_true", help="install even if it routes worse")
    train.set_defaults(handler=train_command)
