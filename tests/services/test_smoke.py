from qc_console.domain.values import NewLead
from qc_console.services.facade import ServiceBackend


def test_a_lead_walks_the_refinery_and_back(backend: ServiceBackend) -> None:
    lead = backend.create_lead(NewLead(first_name="Zoë", email="z@x.com")).leads[0]
    assert backend.qualify([lead.id], "high").leads[0].stage == "qualified"
    assert backend.undo().leads[0].stage == "raw"
