"""Twenty staff members working at once: clerks, approvers, reviewers and programme administrators of the data
set made by `manage.py generate_data`. Started by bench/load.py, which also starts the server and logs them in
beforehand (TEILHABE_SESSIONS: name=session key, comma-separated); see there."""

import itertools
import os
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
        sessions = dict(item.split("=", 1) for item in os.environ["TEILHABE_SESSIONS"].split(","))
        self.client.cookies.set("sessionid", sessions[self.name], domain="127.0.0.1")

    def get(self, url, name):
        """A page that must come back as itself: a redirect (to the login, say) counts as an error."""
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {self.name}")
            return response

    def remember_applications(self, response):
        found = APPLICATION_LINK.findall(response.text)
        if found:
            self.applications = found[:20]

    @task(4)
    def inbox(self):
        self.remember_applications(self.get("/staff/", "/staff/ (inbox)"))

    @task(4)
    def queue(self):
        self.remember_applications(self.get("/staff/queue/", "/staff/queue/"))

    @task(2)
    def queue_filtered(self):
        self.get("/staff/queue/?step=check_completeness&due=soon", "/staff/queue/?step&due")

    @task(1)
    def done(self):
        self.get("/staff/done/", "/staff/done/")

    @task(4)
    def application(self):
        if self.applications:
            pk = self.applications[hash(self) % len(self.applications)]
            self.get(f"/staff/applications/{pk}/", "/staff/applications/<id>/")

    @task(1)
    def dashboard(self):
        if self.name.startswith("programme"):
            self.get("/staff/dashboard/figures/", "/staff/dashboard/figures/")

    @task(1)
    def baseline(self):
        self.get("/accessibility/", "baseline: /accessibility/")
