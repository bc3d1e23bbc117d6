"""Distribution's models, one module per idea (DESIGN §5): what the merchant configures
(``config``), distributors and applications (``distributors``), who referred whom
(``referrals``), commission (``commission``), withdrawals (``withdrawals``), the distributor's
shop (``shop``), how often their shares are opened (``visits``), real-name identity
(``identity``) and the tax report's platform details (``tax``). Money lives in the ledger;
these records say why it moved."""

from fenxiao.distribution.models.commission import CommissionRecord, CommissionStatus
from fenxiao.distribution.models.compliance import COMPLIANCE_PERMISSION, ComplianceReportPage
from fenxiao.distribution.models.config import (
    BecomePolicy,
    BindingPolicy,
    BindOn,
    DistributionSettings,
    OverrideMode,
    ProductCommission,
    Tier,
    default_activity_commission,
)
from fenxiao.distribution.models.distributors import (
    ApplicationStatus,
    Distributor,
    DistributorApplication,
    DistributorStatus,
)
from fenxiao.distribution.models.identity import DistributorIdentity, IdType
from fenxiao.distribution.models.referrals import (
    OrderReferral,
    Referral,
    ReferralChange,
    ReferralSource,
    ReferralTouch,
)
from fenxiao.distribution.models.shop import ShopItem
from fenxiao.distribution.models.tax import TaxPlatform
from fenxiao.distribution.models.visits import OpenChannel, ShareOpen
from fenxiao.distribution.models.withdrawals import Withdrawal, WithdrawalMethod, WithdrawalStatus

__all__ = [
    "COMPLIANCE_PERMISSION",
    "ApplicationStatus",
    "BecomePolicy",
    "BindOn",
    "BindingPolicy",
    "CommissionRecord",
    "CommissionStatus",
    "ComplianceReportPage",
    "DistributionSettings",
    "Distributor",
    "DistributorApplication",
    "DistributorIdentity",
    "DistributorStatus",
    "IdType",
    "OpenChannel",
    "OrderReferral",
    "OverrideMode",
    "ProductCommission",
    "Referral",
    "ReferralChange",
    "ReferralSource",
    "ReferralTouch",
    "ShareOpen",
    "ShopItem",
    "TaxPlatform",
    "Tier",
    "Withdrawal",
    "WithdrawalMethod",
    "WithdrawalStatus",
    "default_activity_commission",
]
