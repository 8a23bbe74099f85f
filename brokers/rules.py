"""Object permissions of the transfer ecosystem (django-rules)."""

import rules

from towns.rules import is_back_office, is_broker, reads_everything


@rules.predicate
def is_own_broker_record(user, broker) -> bool:
    return broker is not None and broker.user_id is not None and broker.user_id == user.pk


# Staff keep the registers; leaders read them.
rules.add_perm("brokers.view_registers", reads_everything)
rules.add_perm("brokers.manage_registers", is_back_office)

rules.add_perm("brokers.view_broker", reads_everything | is_own_broker_record)
rules.add_perm("brokers.change_broker", is_back_office | (is_broker & is_own_broker_record))
# The certificate scan and contact details are personal: staff and the broker only.
rules.add_perm("brokers.view_broker_personal", is_back_office | is_own_broker_record)
rules.add_perm("brokers.verify_broker", is_back_office)
# A broker user without a profile may apply for the library themselves.
rules.add_perm("brokers.apply_as_broker", is_broker)

# Brokers read the contracts credited to them (scoped by TechContract.visible_to).
rules.add_perm("brokers.view_contracts", reads_everything | is_broker)

rules.add_perm("brokers.approve_rewards", is_back_office)
