import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { App } from "./app.tsx";
import { createQueryClient } from "./query-client.ts";
// The shared stylesheets, in cascade order (later rules win over earlier ones of equal weight).
import "./base.css";
import "./ui/buttons.css";
import "./ui/forms.css";
import "./ui/alerts.css";
import "./accounts/auth.css";
import "./onboarding/onboarding.css";
import "./members/invitations.css";
import "./shell/app-shell.css";
import "./shell/app-nav.css";
import "./shell/user-menu.css";
import "./ui/page.css";
import "./members/members.css";
import "./ui/dialog.css";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");

const queryClient = createQueryClient();

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
