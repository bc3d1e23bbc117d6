from django.apps import AppConfig


class InvitesConfig(AppConfig):
    name = "fenxiao.promotions.invites"
    label = "invites"
    verbose_name = "邀请有礼"

    def ready(self) -> None:
        from fenxiao.core.extensions import register_sweep, subscribe
        from fenxiao.promotions.invites import handlers

        # Each event only nudges the invite of the order's buyer towards what the order now is:
        # first paid order → pending reward; completed → reward issued; refunded or closed first →
        # revoked. The same state-driven service runs for all four and for the repair sweep.
        for event in ("order_paid", "order_line_refunded", "order_closed", "order_completed"):
            subscribe(event, handlers.on_order_event)
        register_sweep("invites.repair", handlers.sweep_invites)
        # Many invitees of one inviter on one device or address: a risk case (issue 19 §1).
        subscribe("invite_accepted", handlers.on_invite_accepted)

        # The compliance report (distribution's, below us) reads our facts through its hook.
        from fenxiao.distribution.compliance.hooks import invite_facts_providers
        from fenxiao.promotions.invites.compliance import invite_compliance_facts

        invite_facts_providers.register("invites", invite_compliance_facts)
