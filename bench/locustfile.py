"""Twenty staff members working at once: clerks, approvers, reviewers and programme administrators of the data
set made by `manage.py generate_data` (password "teilhabe-demo"). Started by bench/load.py, which also starts
the server; see there."""

import itertools
import re

from locust import HttpUser, between, task

DOMAIN = "generated.teilhabe.example"
PEOPLE = itertools.cycle(
    [f"clerk{n}" for n in range(1, 9)] + [f"approver{n}" for n in range(1, 5)]
    + [f"reviewer{n}" for n in range(1, 5)] + [f"programme{n}" for n in range(1, 5)]
)  # fmt: skip
APPLICATION_LINK = re.compile(r'href="/staff/applications/(\d+)/"')


class StaffMember(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self):
        self.name = next(PEOPLE)
        self.applications = []
        self.client.get("/accounts/login/", name="log in (form)")
        response = self.client.post(
            "/accounts/login/",
            {"login": f"{self.name}@{DOMAIN}", "password": "teilhabe-demo",
             "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")},
            headers={"Referer": f"{self.host}/accounts/login/"}, name="log in", allow_redirects=False,
        )  # fmt: skip
        if response.status_code != 302:
            response.failure(f"login of {self.name} failed: {response.status_code}")

    def remember_applications(self, response):
        found = APPLICATION_LINK.findall(response.text)
        if found:
            self.applications = found[:20]

    @task(4)
    def inbox(self):
        self.remember_applications(self.client.get("/staff/", name="/staff/ (inbox)"))

    @task(4)
    def queue(self):
        self.remember_applications(self.client.get("/staff/queue/", name="/staff/queue/"))

    @task(2)
    def queue_filtered(self):
        self.client.get("/staff/queue/?step=check_completeness&due=soon", name="/staff/queue/?step&due")

    @task(1)
    def done(self):
        self.client.get("/staff/done/", name="/staff/done/")

    @task(4)
    def application(self):
        if self.applications:
            pk = self.applications[hash(self) % len(self.applications)]
            self.client.get(f"/staff/applications/{pk}/", name="/staff/applications/<id>/")

    @task(1)
    def dashboard(self):
        if self.name.startswith("programme"):
            self.client.get("/staff/dashboard/figures/", name="/staff/dashboard/figures/")

    @task(1)
    def baseline(self):
        self.client.get("/accessibility/", name="baseline: /accessibility/")
