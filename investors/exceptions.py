from kernel.exceptions import Refused

# The portal's one refusal (kernel.exceptions.Refused), under the name the docking code uses.
DockingTransitionNotAllowed = Refused
