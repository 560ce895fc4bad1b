from django.core.management.base import BaseCommand, CommandError

from demo.demo_data import DEMO_PASSWORD
from demo.generate import DOMAIN, AlreadyGenerated, generate


class Command(BaseCommand):
    help = (
        "Generate a large, realistic data set for demos and benchmarks: programmes, calls, organisations with their "
        "people, staff, applications in every state with their funding processes, and the grants of the approvals with "
        "their payments, proofs of use, checks and claims. Refuses to run twice into "
        "the same database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, default=2000, help="number of applications (default 2000)")
        parser.add_argument("--calls", type=int, default=10, help="number of calls (default 10)")
        parser.add_argument("--organisations", type=int, default=300, help="number of organisations (default 300)")
        parser.add_argument("--seed", type=int, default=1, help="random seed: the same seed gives the same data")
        parser.add_argument(
            "--batch-size", type=int, default=2000, help="applications written per transaction (default 2000)"
        )

    def handle(self, *args, **options):
        if options["applications"] < 0 or options["calls"] < 1 or options["organisations"] < 1:
            raise CommandError("Give at least one call and one organisation, and no negative number of applications.")
        try:
            result = generate(
                applications=options["applications"],
                calls=options["calls"],
                organisations=options["organisations"],
                seed=options["seed"],
                batch_size=options["batch_size"],
                out=self.stdout.write,
            )
        except AlreadyGenerated as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write("Rows written:")
        for table, count in sorted(result["rows"].items()):
            self.stdout.write(f"  {table:40} {count:>12,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated in {result['seconds']['total']:.1f} s. Staff log in as clerk1@{DOMAIN}, reviewer1@, "
                f"approver1@, programme1@, payments1@ (and every generated person) with the password {DEMO_PASSWORD}."
            )
        )
