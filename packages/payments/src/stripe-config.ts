// What the Stripe adapter needs from configuration, apart from the SDK itself, so the wiring can
// name it without loading the SDK (it is imported only when a payment call happens).
import type Stripe from 'stripe';
import type { PaymentMethod } from '@tmc/core/topups/ports';

export const STRIPE_SIGNATURE_HEADER = 'stripe-signature';

export type StripeGatewayConfig = {
  secret_key: string; // never logged: it moves money
  webhook_secret: string; // never logged: it lets anyone forge a payment
  /** Connected accounts' events (account.updated) reach a separate Connect endpoint with its own secret;
   * the webhook route accepts a body signed with either. Never logged. */
  connect_webhook_secret?: string | undefined;
  /** ISO country of the merchants' connected accounts; left out, Stripe uses the platform's country. */
  connect_country?: string | undefined;
  /** Where Checkout sends the family back to, success or cancel. */
  public_url: string;
  methods: readonly PaymentMethod[];
  /** Tests pass a client with a fake HTTP layer; production builds its own. */
  client?: Stripe;
};
